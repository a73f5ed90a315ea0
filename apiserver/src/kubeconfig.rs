//! The kubeconfig `kubemem serve` writes once it is ready: cluster, context and user all named
//! `kubemem`, namespace `default`.

use std::path::Path;

/// A kubeconfig for a server at `url` (plain HTTP, no credentials).
pub fn render(url: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: kubemem
  cluster:
    server: {url}
contexts:
- name: kubemem
  context:
    cluster: kubemem
    user: kubemem
    namespace: default
current-context: kubemem
users:
- name: kubemem
  user: {{}}
preferences: {{}}
"
    )
}

/// Writes the kubeconfig for `url` to `path`, replacing it atomically.
pub fn write(path: &Path, url: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("kubeconfig.tmp");
    std::fs::write(&tmp, render(url))?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_cluster_context_and_user_kubemem() {
        let k = super::render("http://127.0.0.1:6443");
        assert!(k.contains("server: http://127.0.0.1:6443\n"));
        assert!(k.contains("current-context: kubemem\n"));
        assert!(k.contains("    namespace: default\n"));
    }
}
