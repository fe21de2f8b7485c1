#!/usr/bin/env bash
# The main job on the built-in lab: build the homelab inventory as real SSH hosts, run `provision up`
# twice (the second run must change nothing), show the kubeconfig, then take the lab down.
# Run it as yourself (`npm run demo`): it builds as you, then re-runs itself through sudo with your PATH
# (a node from nvm is not on root's PATH) and hands what the lab wrote in the checkout back to you.
set -euo pipefail
cd "$(dirname "$0")/.."
INV=${1:-inventory/homelab.yaml}
NAME=demo

if ! command -v node >/dev/null; then echo "demo: node is not on PATH (as $(id -un)); run: npm run demo as the user whose node it is" >&2; exit 1; fi

if [ "$(id -u)" != 0 ]; then
  [ -d node_modules ] || npm install --no-audit --no-fund
  npm run build --silent
  echo "demo: the lab needs root (network namespaces): continuing through sudo" >&2
  exec sudo -- env "PATH=$PATH" PROVISION_DEMO_BUILT=1 PROVISION_DEMO_OWNER="$(id -u):$(id -g)" bash "$0" "$@"
fi

# As root: build as the user who called sudo (no root-owned node_modules or dist), unless already built.
OWNER=${PROVISION_DEMO_OWNER:-}
if [ -z "$OWNER" ] && [ -n "${SUDO_UID:-}" ] && [ "${SUDO_UID}" != 0 ]; then OWNER="$SUDO_UID:${SUDO_GID:-$SUDO_UID}"; fi
as_owner() {
  if [ -n "$OWNER" ]; then setpriv --reuid="${OWNER%%:*}" --regid="${OWNER##*:}" --init-groups env "PATH=$PATH" HOME="$(getent passwd "${OWNER%%:*}" | cut -d: -f6)" "$@"; else "$@"; fi
}
if [ -z "${PROVISION_DEMO_BUILT:-}" ]; then
  [ -d node_modules ] || as_owner npm install --no-audit --no-fund
  as_owner npm run build --silent
fi

CLI="node dist/cli/main.js"
cleanup() {
  $CLI lab down --name "$NAME" >/dev/null 2>&1 || true
  # What the run wrote into the checkout (./kubeconfig) goes back to the user who asked for the demo.
  if [ -n "$OWNER" ] && [ -d kubeconfig ]; then chown -R "$OWNER" kubeconfig; fi
}
trap cleanup EXIT

$CLI lab up -i "$INV" --name "$NAME" --install-deps
echo; echo "== provision up (first run: from bare hosts)"
$CLI lab run --name "$NAME" -- up -i "$INV"
echo; echo "== provision up (second run: converged, must change nothing)"
SECOND=$(mktemp /tmp/provision-demo-second.XXXXXX.json)
$CLI lab run --name "$NAME" -- up -i "$INV" --json | tee "$SECOND"
node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if(r.changed!==0){console.error(`second run changed ${r.changed}`);process.exit(1)} console.log("\nsecond run: changed=0")' "$SECOND"
rm -f "$SECOND"
echo; echo "== provision verify"
$CLI lab run --name "$NAME" -- verify -i "$INV"
ls -l kubeconfig/
