#!/usr/bin/env bash
# The main job on the built-in lab: build the homelab inventory as real SSH hosts, run `provision up`
# twice (the second run must change nothing), show the kubeconfig, then take the lab down.
set -euo pipefail
cd "$(dirname "$0")/.."
INV=${1:-inventory/homelab.yaml}
NAME=demo
CLI="node dist/cli/main.js"

if [ "$(id -u)" != 0 ]; then echo "demo: the lab needs root (network namespaces); run: sudo npm run demo" >&2; exit 1; fi
[ -d node_modules ] || npm install --no-audit --no-fund
npm run build --silent

cleanup() { $CLI lab down --name "$NAME" >/dev/null 2>&1 || true; }
trap cleanup EXIT

$CLI lab up -i "$INV" --name "$NAME" --install-deps
echo; echo "== provision up (first run: from bare hosts)"
$CLI lab run --name "$NAME" -- up -i "$INV"
echo; echo "== provision up (second run: converged, must change nothing)"
$CLI lab run --name "$NAME" -- up -i "$INV" --json | tee /tmp/provision-demo-second.json
node -e 'const r=JSON.parse(require("fs").readFileSync("/tmp/provision-demo-second.json","utf8")); if(r.changed!==0){console.error(`second run changed ${r.changed}`);process.exit(1)} console.log("\nsecond run: changed=0")'
echo; echo "== provision verify"
$CLI lab run --name "$NAME" -- verify -i "$INV"
ls -l kubeconfig/
