# What a power cycle clears in a lab host's network namespace (the namespace outlives the host's systemd): sourced by
# nspawn-host.sh, run inside the host's netns.
net_reset() {
  for l in /sys/class/net/*; do
    n=${l##*/}
    [ "$n" = lo ] || [ "$n" = eth0 ] || ip link del "$n" 2>/dev/null
  done
  ip link set eth0 down
  ip addr flush dev eth0
  ip -4 route flush table main
  ip rule flush 2>/dev/null; ip rule add pref 0 lookup local; ip rule add pref 32766 lookup main; ip rule add pref 32767 lookup default
  nft flush ruleset 2>/dev/null
  echo 0 > /proc/sys/net/ipv4/ip_forward
}
