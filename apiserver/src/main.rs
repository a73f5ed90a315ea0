//! The `kubemem` command.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use kubemem_apiserver::controllers::Controllers;
use kubemem_apiserver::{Config, Server, kubeconfig};

#[derive(Parser)]
#[command(
    name = "kubemem",
    version,
    about = "An in-memory Kubernetes API server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Kubernetes API (single node, in memory) until SIGTERM or SIGINT.
    Serve {
        /// Address to listen on; port 0 picks a free port. Loopback only until TLS and
        /// authentication are supported.
        #[arg(long, default_value = "127.0.0.1:6443")]
        listen: SocketAddr,
        /// Where to write a kubeconfig for this server once it is ready.
        #[arg(long, default_value = "kubemem.kubeconfig")]
        kubeconfig: PathBuf,
        /// The built-in controllers to run, comma-separated (empty for a bare API server).
        #[arg(long, default_value = "namespace,serviceaccount,garbagecollector,podgc,root-ca-cert-publisher", value_parser = Controllers::parse)]
        controllers: Controllers,
        /// A YAML manifest whose objects exist from the start (repeatable; created in order).
        #[arg(long = "load", value_name = "PATH")]
        load: Vec<PathBuf>,
        /// Serve `/kubemem/faults/` to inject conflicts, latency and watch failures (tests).
        #[arg(long)]
        fault_injection: bool,
    },
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kubemem: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve {
                listen,
                kubeconfig,
                controllers,
                load,
                fault_injection,
            } => {
                let manifests = load
                    .iter()
                    .map(|path| {
                        std::fs::read_to_string(path).map_err(|e| {
                            std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                        })
                    })
                    .collect::<std::io::Result<Vec<String>>>()?;
                let config = Config {
                    controllers,
                    manifests,
                    fault_injection,
                    ..Config::default()
                };
                serve(listen, kubeconfig, config).await
            }
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kubemem: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(
    listen: SocketAddr,
    kubeconfig_path: PathBuf,
    config: Config,
) -> std::io::Result<()> {
    // Handlers first: once the ready lines are printed, a SIGTERM must find them installed.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let server = Server::start(listen, config).await?;
    kubeconfig::write(&kubeconfig_path, &server.url())?;
    let shown = std::fs::canonicalize(&kubeconfig_path).unwrap_or(kubeconfig_path);
    println!("kubemem serving on {}", server.url());
    println!("export KUBECONFIG={}", shown.display());
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    server.shutdown().await
}
