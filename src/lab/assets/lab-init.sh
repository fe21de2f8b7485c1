#!/bin/bash
# PID 1 of one lab host (its own PID, mount and UTS namespaces): mounts a private root, boots it, reboots on SIGUSR1, halts on SIGTERM.
set -u
# shellcheck disable=SC1090
. "$1"
R="$LAB_ROOT"
read -r HOSTPID _ < /proc/self/stat
echo "$HOSTPID" > "$LAB_HOSTDIR/init.pid"
CAPS=-sys_module,-sys_time,-sys_boot,-sys_rawio,-wake_alarm
PATH_IN=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { echo "[lab-init $LAB_HOST] $*"; }
in_host() { setpriv --bounding-set "$CAPS" -- chroot "$R" /usr/bin/env -i PATH="$PATH_IN" HOME=/root LANG=C.UTF-8 LAB_IFACE=eth0 "$@"; }

mount -t overlay overlay -o "lowerdir=/,upperdir=$LAB_HOSTDIR/upper,workdir=$LAB_HOSTDIR/work" "$R" || exit 1
mount --rbind /dev "$R/dev"
mount --rbind /sys "$R/sys"
if [ -n "${LAB_MODEL:-}" ]; then
  # A Raspberry Pi in the inventory: show its device-tree model, as the board's firmware would.
  mount -t tmpfs -o mode=755,size=64k tmpfs "$R/sys/firmware"
  mkdir -p "$R/sys/firmware/devicetree/base"
  printf '%s\0' "$LAB_MODEL" > "$R/sys/firmware/devicetree/base/model"
fi
mkdir -p "$R/usr/lib/provision-lab/pkg"
mount --bind "$LAB_PKG" "$R/usr/lib/provision-lab/pkg" && mount -o remount,bind,ro "$R/usr/lib/provision-lab/pkg"
mount -t tmpfs -o mode=755,size=1m tmpfs "$R$LAB_HIDE"
hostname "$LAB_HOST"
# shellcheck source=net-reset.sh
. "${BASH_SOURCE[0]%/*}/net-reset.sh"

net_base() {
  ip link set lo up
  ip link set eth0 up
  ip addr replace "$LAB_ADDR" dev eth0
  ip route replace default via "$LAB_GW" dev eth0
}

boot() {
  mount -t proc proc "$R/proc"
  mount --rbind "$R/proc/sys" "$R/proc/sys"
  mount --bind "$R/proc/sys/net" "$R/proc/sys/net"
  mount -o remount,bind,ro "$R/proc/sys"
  cat /proc/sys/kernel/random/uuid > "$LAB_HOSTDIR/boot_id"
  mount --bind "$LAB_HOSTDIR/boot_id" "$R/proc/sys/kernel/random/boot_id"
  mount -t tmpfs -o mode=755,size=64m tmpfs "$R/run"
  mount -t tmpfs -o mode=1777,size=256m tmpfs "$R/tmp"
  net_base
  in_host /usr/bin/node "$LAB_STANDINS/lab-boot.mjs" system
  if [ "${1:-}" = reboot ] && [ "${LAB_SSH_DELAY:-0}" != 0 ]; then sleep "$LAB_SSH_DELAY"; fi
  in_host /usr/bin/node "$LAB_STANDINS/lab-boot.mjs" ssh
  date +%s > "$LAB_HOSTDIR/booted"
  say "up"
}

halt() {
  rm -f "$LAB_HOSTDIR/booted"
  kill -TERM -1 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    others=$(ls "$R/proc" | grep -c '^[0-9]*$')
    [ "$others" -le 1 ] && break
    sleep 0.1
  done
  kill -KILL -1 2>/dev/null
  sleep 0.1
  umount -R -l "$R/tmp" "$R/run" 2>/dev/null
  umount -R -l "$R/proc" 2>/dev/null
  net_reset
}

ACTION=
trap 'ACTION=reboot' USR1
trap 'ACTION=halt' TERM INT
boot first
while :; do
  if [ -z "$ACTION" ]; then
    sleep infinity &
    wait $!
    kill $! 2>/dev/null
  fi
  case "$ACTION" in
    reboot) ACTION=; say "reboot"; halt; boot reboot ;;
    halt) say "halt"; halt; exit 0 ;;
  esac
done
