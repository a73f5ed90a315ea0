#!/usr/bin/env bash
# The test command of the README: every unit, router and integration test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
exec cargo test --workspace --locked "$@"
