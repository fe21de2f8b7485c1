# Sourced by the lab's sysctl shim: `sysctl [-n] KEY...` (one call for every key of a probe) answered with bash builtins from what lib/sysctl-lib.mjs
# getSysctl reads, in its order. bash, not dash: dash's `read` takes one byte per read(2), and a procfs sysctl file
# answers EOF at any offset > 0 (dash reads "3" from "32768"); bash reads a seekable file in one read(2).
# lab_fast_sysctl returns 1, having printed nothing, whenever it is unsure: the Node stand-in answers (errors included).

# A root prefix, for unit tests only; empty in a lab host.
R=

# Sets LAB_V to the one-word value in file $1 (trimmed, like the Node stand-in), or returns 1.
lab_fast_value() {
  local v w
  [ -f "$1" ] && [ -r "$1" ] || return 1
  { read -r v && ! read -r w && [ -z "$w" ]; } 2>/dev/null < "$1" || return 1
  case $v in ''|*[!0-9A-Za-z._:/,+@%=-]*) return 1;; esac
  LAB_V=$v
}

# Whether /run/lab/modules has the line $1 (loadedModules() in lib/sysctl-lib.mjs).
lab_fast_module() {
  local m
  while IFS= read -r m || [ -n "$m" ]; do [ "$m" = "$1" ] && return 0; done 2>/dev/null < "$R/run/lab/modules"
  return 1
}

# Keys whose record file name and /proc/sys path are plain (lib/sysctl-lib.mjs recordFileKey has the same rule).
lab_fast_key() {
  local LC_ALL=C
  case $1 in ''|[!A-Za-z0-9_]*|*.|*..*|*[!A-Za-z0-9._-]*) return 1;; esac
}

# Sets LAB_V to key $1's value, or returns 1.
lab_fast_one() {
  local k=$1 p
  lab_fast_key "$k" || return 1
  p=$R/proc/sys/${k//./\/}
  case $k in net.*) if [ -e "$p" ]; then lab_fast_value "$p"; return; fi;; esac
  if [ -e "$R/run/lab/sysctl.json" ]; then
    # A record written before the per-key files existed: only Node can read it.
    [ -d "$R/run/lab/sysctl" ] || return 1
    if [ -e "$R/run/lab/sysctl/$k" ]; then lab_fast_value "$R/run/lab/sysctl/$k"; return; fi
  fi
  if [ -e "$p" ]; then lab_fast_value "$p"; return; fi
  case $k in net.bridge.*) if lab_fast_module br_netfilter; then LAB_V=0; return 0; fi;; esac
  return 1
}

# `sysctl -n KEY...` prints values, `sysctl KEY...` "KEY = value" lines; nothing is printed unless every key is sure.
lab_fast_sysctl() {
  local LC_ALL=C k n= out= LAB_V
  [ "$1" = -n ] && { n=1; shift; }
  [ $# -ge 1 ] || return 1
  for k; do
    lab_fast_one "$k" || return 1
    if [ -n "$n" ]; then out+=$LAB_V$'\n'; else out+="$k = $LAB_V"$'\n'; fi
  done
  printf '%s' "$out"
}
