#!/usr/bin/env bash
# Instructions (callgrind Ir) per ConfigMap create, repeatable on a busy machine, as
# BENCHMARKS.md quotes them. Usage: scripts/callgrind-creates.sh [KUBEMEM_BIN] [N]
#
# Runs `kubemem serve` (the bench's controllers) under callgrind, sends 200 warm-up creates,
# zeroes the counters, sends N (default 1000) creates of the bench's 200-byte ConfigMaps one
# after another on one keep-alive connection, dumps, and prints the server's Ir per create
# (every thread: handlers, store, watch hub, controllers). Build the binary with
# `CARGO_PROFILE_RELEASE_DEBUG=line-tables-only cargo build --release -p kubemem-apiserver
# --bin kubemem` for readable profiles (`callgrind_annotate --inclusive=yes OUT/cg.out.1`).
set -euo pipefail
BIN=${1:-target/release/kubemem}
N=${2:-1000}
PORT=${PORT:-18473}
OUT=$(mktemp -d)
load() { # PREFIX COUNT
    python3 - "$PORT" "$1" "$2" <<'PY'
import http.client, sys
port, prefix, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def body(name, size=200):  # tests/benches/api.rs, configmap_body
    head = ('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","namespace":"default",'
            '"labels":{"app":"kubemem-bench"}},"data":{"config":"' % name)
    tail = '"}}'
    seed = 0
    for b in name.encode():
        seed = (seed * 31 + b) & 0xffffffff
    pad = max(0, size - len(head) - len(tail))
    return (head + "".join(chr(ord('a') + (seed + i * 7) % 26) for i in range(pad)) + tail).encode()
c = http.client.HTTPConnection("127.0.0.1", port)
for i in range(n):
    c.request("POST", "/api/v1/namespaces/default/configmaps", body("%s-%07d" % (prefix, i)),
              {"Content-Type": "application/json", "Accept": "application/json"})
    r = c.getresponse()
    data = r.read()
    if r.status != 201:
        sys.exit("create: %d %s" % (r.status, data[:300]))
PY
}
valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out" "$BIN" serve \
    --listen "127.0.0.1:$PORT" --kubeconfig "$OUT/kubeconfig" \
    --controllers namespace,serviceaccount,garbagecollector,podgc >"$OUT/server.log" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.2; done
load warm 200
sleep 1
callgrind_control -z "$PID" >/dev/null 2>&1
load bench "$N"
sleep 1
callgrind_control -d "$PID" >/dev/null 2>&1
sleep 1
kill "$PID"
wait "$PID" 2>/dev/null || true
IR=$(awk '/^(summary|totals):/ {print $2; exit}' "$OUT/cg.out.1")
echo "$((IR / N)) Ir per create ($N creates; profile in $OUT/cg.out.1)"
