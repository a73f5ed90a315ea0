//! kubemem as a test fixture, in-process: a server on an ephemeral loopback port with its own
//! keyspace, a kubeconfig for it, and nothing left behind once it is dropped (its tasks end,
//! its port closes, its kubeconfig's directory is removed).
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use kubemem_apiserver::testing::TestServer;
//! use kubemem_apiserver::{Config, controllers::Controllers};
//!
//! let server = TestServer::start_with(Config {
//!     controllers: Controllers::none(),
//!     manifests: vec!["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seed\n".into()],
//!     ..Config::default()
//! })
//! .await?;
//! // Point any client at server.url() or server.kubeconfig().
//! server.shutdown().await
//! # }
//! ```
//!
//! With the feature `kube`, [`TestServer::kube_config`] and [`TestServer::kube_client`] give a
//! kube-rs client for it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use crate::{Config, Server, kubeconfig};

/// A running in-process server; dropping it shuts it down.
pub struct TestServer {
    server: Server,
    /// Holds the kubeconfig; removed on drop.
    _dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl TestServer {
    /// A server with kube-apiserver's defaults and every built-in controller.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(Config::default()).await
    }

    /// A server configured by `config` (controllers, manifests to load, ...).
    pub async fn start_with(config: Config) -> std::io::Result<Self> {
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let server = Server::start(listen, config).await?;
        let dir = tempfile::tempdir()?;
        let kubeconfig = dir.path().join("kubeconfig");
        kubeconfig::write(&kubeconfig, &server.url())?;
        Ok(Self {
            server,
            _dir: dir,
            kubeconfig,
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// Faults to arm for a controller's retry and re-list paths: the next writes to a resource
    /// answer 409, a verb gets slower, open watches expire (410) or drop.
    pub fn faults(&self) -> &crate::faults::Faults {
        self.server.faults()
    }

    /// A kubeconfig (cluster, context and user `kubemem`, namespace `default`) for this server.
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// A kube-rs configuration for this server: its URL, namespace `default` (as the
    /// kubeconfig's context), no credentials.
    #[cfg(feature = "kube")]
    pub fn kube_config(&self) -> kube::Config {
        let url = self
            .url()
            .parse()
            .expect("an http://127.0.0.1:PORT URL is a URI");
        let mut config = kube::Config::new(url);
        config.default_namespace = "default".into();
        config
    }

    /// A kube-rs client of [`Self::kube_config`]; call it inside a Tokio runtime.
    #[cfg(feature = "kube")]
    pub fn kube_client(&self) -> kube::Result<kube::Client> {
        kube::Client::try_from(self.kube_config())
    }

    /// Stops the server and waits until it has: open watches end, in-flight requests finish.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.server.shutdown().await
    }
}

#[cfg(all(test, feature = "kube"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn kube_config_points_at_the_server() {
        let server = TestServer::start().await.unwrap();
        let config = server.kube_config();
        assert_eq!(config.cluster_url.to_string(), format!("{}/", server.url()));
        assert_eq!(config.default_namespace, "default");
        let client = server.kube_client().unwrap();
        let version = client.apiserver_version().await.unwrap();
        assert_eq!(version.major, "1");
        server.shutdown().await.unwrap();
    }
}
