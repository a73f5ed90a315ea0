#!/usr/bin/env bash
# Installs what the integration tests need and checks what the machine image must provide.
# Idempotent: safe to run on every CI run and on a developer machine.
set -euo pipefail
cd "$(dirname "$0")/.."

# kubectl releases the kubectl tests run (shipped with the machine image's Google Cloud SDK).
missing=0
for v in 1.27 1.33; do
  bin="/usr/lib/google-cloud-sdk/bin/kubectl.$v"
  if [ ! -x "$bin" ]; then
    echo "missing $bin: the kubectl integration tests need it" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1

for tool in "cargo" "cargo fmt" "cargo clippy"; do
  if ! $tool --version >/dev/null 2>&1; then
    echo "$tool is not installed (the machine image provides the Rust toolchain)" >&2
    exit 1
  fi
done

# The Python `kubernetes` client (PyPI), pinned, in a virtualenv under target/ (the Python tests
# run target/test-deps/python/bin/python).
venv="target/test-deps/python"
python_client="kubernetes==36.0.0"
if ! "$venv/bin/python" -c "import kubernetes" >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$python_client"
fi

# @kubernetes/client-node (npm), pinned, under target/ (the JavaScript test runs its script
# from target/test-deps/node, next to node_modules). 1.4.0 is the last release for Node 20.
node_dir="target/test-deps/node"
node_client="@kubernetes/client-node@1.4.0"
if [ ! -d "$node_dir/node_modules/@kubernetes/client-node" ]; then
  mkdir -p "$node_dir"
  [ -f "$node_dir/package.json" ] || echo '{"name": "kubemem-test-deps", "private": true}' > "$node_dir/package.json"
  (cd "$node_dir" && npm install --no-audit --no-fund --silent "$node_client")
fi
