#!/bin/bash
# Supervisor of one nspawn lab host, in a private mount namespace: gives it a cgroup, boots it with systemd-nspawn
# on its overlay root, in the host's user and network namespaces, boots it again after a reboot (nspawn exits 133),
# stops on TERM.
set -u
# shellcheck disable=SC1090
. "$1"
R="$LAB_ROOT"
say() { echo "[lab $LAB_HOST] $*"; }

# A cgroup of its own (every hierarchy systemd uses): nspawn puts the host's systemd under the caller's cgroup, and
# hosts sharing one would tear down each other's unit cgroups (units then fail with 219/CGROUP).
# Per supervisor (pid): a lab of the same name made again must not share it with a supervisor still exiting.
CG="provision-lab/$LAB_NS.$$"
CG2=$(mktemp -d)
mount -t cgroup2 none "$CG2" 2>/dev/null || { rmdir "$CG2"; CG2=; }
CGROOTS=(/sys/fs/cgroup/systemd ${CG2:+"$CG2"})
for c in "${CGROOTS[@]}"; do
  [ -d "$c" ] && mkdir -p "$c/$CG" && echo $$ > "$c/$CG/cgroup.procs"
done
cg_release() {
  for c in "${CGROOTS[@]}"; do
    [ -d "$c/$CG" ] || continue
    echo $$ > "$c/cgroup.procs"
    find "$c/$CG" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  if [ -n "$CG2" ]; then umount "$CG2"; rmdir "$CG2"; fi
}

mount -t overlay overlay -o "lowerdir=$LAB_LOWER,upperdir=$LAB_HOSTDIR/upper,workdir=$LAB_HOSTDIR/work" "$R" || exit 1

# shellcheck source=net-reset.sh
. "${BASH_SOURCE[0]%/*}/net-reset.sh"

STOP=
NSPAWN=
trap 'STOP=1; [ -n "$NSPAWN" ] && kill -TERM "$NSPAWN" 2>/dev/null' TERM INT
MODEL=()
if [ -n "${LAB_MODEL_DIR:-}" ]; then MODEL=(--bind-ro="$LAB_MODEL_DIR:/sys/firmware"); fi
# nspawn shows no /sys/module: the host's module record is its own, writable one (lib/module-record.mjs keeps it).
if [ -n "${LAB_SYSMODULE_DIR:-}" ]; then MODEL+=(--bind="$LAB_SYSMODULE_DIR:/sys/module"); fi
while :; do
  ip netns exec "$LAB_NS" bash -c "$(declare -f net_reset); net_reset"
  say "boot"
  # In the host's own user namespace (host-userns.ts: its inotify instances count against its own uid's pool), and
  # a mount namespace of that user namespace. The overlay stays mounted out here, by root (a mount made in the
  # user namespace would lose overlayfs' directory renames: dpkg fails with EXDEV); in there it gets a bind mount of
  # its own, which nspawn may move (the kernel locks the mounts a less privileged namespace inherits).
  SYSTEMD_NSPAWN_API_VFS_WRITABLE=network nsenter --user="$LAB_USERNS" -- unshare --mount --propagation private -- \
    bash -c 'mount --bind "$1" "$1" && shift && exec "$@"' bind-root "$R" systemd-nspawn -q -D "$R" --boot --register=no --keep-unit \
    --network-namespace-path="/run/netns/$LAB_NS" -M "$LAB_HOST" --resolv-conf=off --timezone=off --link-journal=no \
    --console=read-only --capability=CAP_NET_ADMIN --drop-capability=CAP_SYS_MODULE,CAP_SYS_TIME,CAP_SYS_RAWIO,CAP_WAKE_ALARM \
    --bind-ro="$LAB_NODE:/usr/bin/node" --bind-ro="$LAB_PKG:/usr/lib/provision-lab/pkg" "${MODEL[@]}" &
  NSPAWN=$!
  echo "$NSPAWN" > "$LAB_HOSTDIR/nspawn.pid"
  rc=
  while [ -z "$rc" ]; do
    wait "$NSPAWN"; r=$?
    kill -0 "$NSPAWN" 2>/dev/null || rc=$r
  done
  NSPAWN=
  rm -f "$LAB_HOSTDIR/nspawn.pid"
  say "systemd-nspawn exited $rc"
  if [ -n "$STOP" ] || [ "$rc" != 133 ]; then break; fi
done
umount -l "$R"
cg_release
exit 0
