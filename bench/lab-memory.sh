#!/bin/bash
# Idle memory of each nspawn lab host: PSS (KiB -> MiB) summed over the processes of its PID namespace.
# usage: sudo bench/lab-memory.sh LAB   (a lab made with `provision lab up --name LAB`)
set -u
lab=${1:?usage: lab-memory.sh LAB}
for d in /var/lib/provision-lab/"$lab"/hosts/*/; do
  h=$(basename "$d")
  np=$(cat "$d/nspawn.pid" 2>/dev/null) || continue
  leader=
  for p in /proc/[0-9]*; do
    read -r pid comm _ ppid _ < "$p/stat" 2>/dev/null || continue
    if [ "$ppid" = "$np" ] && [ "$comm" = "(systemd)" ]; then leader=$pid; break; fi
  done
  [ -n "$leader" ] || continue
  ns=$(readlink "/proc/$leader/ns/pid")
  total=0 n=0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] || continue
    v=$(awk '/^Pss:/ {print $2}' "$p/smaps_rollup" 2>/dev/null)
    total=$((total + ${v:-0})) n=$((n + 1))
  done
  echo "$h $((total / 1024)) MiB PSS in $n processes"
done
