# Sourced by the lab's systemctl shim: the probe's `systemctl show -p LoadState,ActiveState,UnitFileState UNIT...` answered
# with bash builtins only, mirroring systemctl.mjs show() and lib/units.mjs (findUnit, readState, activeState, unitFileState).
# lab_fast_systemctl returns 1, having printed nothing, whenever it is unsure: the Node stand-in answers.

# A root prefix, for unit tests only; empty in a lab host.
R=
lab_unit_dirs=(/etc/systemd/system /run/systemd/system /lib/systemd/system /usr/lib/systemd/system)
lab_state_re='^\{"state":"(active|inactive|failed)"(,"pid":([1-9][0-9]{0,9}))?(,"(emulated|killMode|since|sub)":("[A-Za-z-]*"|[0-9]{1,16}|true|false))*\}$'
lab_dead_re='^[0-9]+ \(.*\) [ZX]'

# Whether $1 exists as a directory entry (lstat succeeds: dangling symlinks count).
lab_entry() { [ -e "$1" ] || [ -L "$1" ]; }

# findUnit($1, a name ending in .service): sets u_found (0/1), u_name, u_path, u_masked (0/1); returns 1 when unsure.
lab_find_unit() {
  local d p
  u_found=0 u_masked=0 u_name=$1 u_path=
  for d in "${lab_unit_dirs[@]}"; do
    p=$R$d/$1
    lab_entry "$p" || continue
    u_found=1 u_path=$p
    [ -L "$p" ] || return 0
    # Node compares the link's text with /dev/null; systemctl mask writes exactly that.
    if [ "$p" -ef /dev/null ]; then u_masked=1; return 0; fi
    lab_alias "$p" "$1"
    return
  done
}

# A symlink $1 named $2: bash cannot read a link's text, so the target is found by inode among the unit directories'
# files. Sure only when exactly one name holds that file and no other link there could be a hop on the way to it.
lab_alias() {
  local d e b=
  [ -e "$1" ] || return 1
  for d in "${lab_unit_dirs[@]}"; do
    for e in "$R$d"/*; do
      [ "$e" -ef "$1" ] || continue
      if [ -L "$e" ]; then
        [ "${e##*/}" = "$2" ] && [ "${e%/*}" -ef "${1%/*}" ] && continue
        return 1
      fi
      if [ -z "$b" ]; then b=${e##*/}; elif [ "$b" != "${e##*/}" ]; then return 1; fi
    done
  done
  case $b in *.service) ;; *) return 1;; esac
  [ "$b" = "$2" ] && return 0
  # findUnit(basename(target)): the first entry of that name must be the very file found above.
  for d in "${lab_unit_dirs[@]}"; do
    e=$R$d/$b
    lab_entry "$e" || continue
    [ ! -L "$e" ] && [ "$e" -ef "$1" ] || return 1
    u_name=$b u_path=$e
    return 0
  done
  return 1
}

# readState + activeState($1): sets a_state; returns 1 when the state file is not one writeState would write.
lab_active_state() {
  local f=$R/run/lab/services/$1.json j s
  a_state=inactive
  [ -e "$f" ] || return 0
  [ -f "$f" ] && [ -r "$f" ] || return 1
  # Read to EOF (status 1); status 0 means a NUL byte stopped it.
  IFS= read -r -d '' j 2>/dev/null < "$f" && return 1
  [[ $j =~ $lab_state_re ]] || return 1
  a_state=${BASH_REMATCH[1]}
  local pid=${BASH_REMATCH[3]}
  [ "$a_state" = active ] && [ -n "$pid" ] || return 0
  # alive(): /proc/PID/stat readable and not in state Z or X.
  s=
  IFS= read -r -d '' s 2>/dev/null < "$R/proc/$pid/stat"
  if [ -z "$s" ] || [[ $s =~ $lab_dead_re ]]; then a_state=failed; fi
  return 0
}

# The Unicode spaces JavaScript's trim() removes beyond ASCII ones (U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029,
# U+202F, U+205F, U+3000, U+FEFF), in UTF-8.
lab_uspaces=($'\xc2\xa0' $'\xe1\x9a\x80' $'\xe2\x80\x80' $'\xe2\x80\x81' $'\xe2\x80\x82' $'\xe2\x80\x83' $'\xe2\x80\x84'
  $'\xe2\x80\x85' $'\xe2\x80\x86' $'\xe2\x80\x87' $'\xe2\x80\x88' $'\xe2\x80\x89' $'\xe2\x80\x8a' $'\xe2\x80\xa8'
  $'\xe2\x80\xa9' $'\xe2\x80\xaf' $'\xe2\x81\x9f' $'\xe3\x80\x80' $'\xef\xbb\xbf')

# JavaScript's trim() of $1 into lab_t; returns 1 when an end is a Unicode space (bash trims ASCII ones only).
lab_trim() {
  local u
  lab_t=${1#"${1%%[![:space:]]*}"}
  lab_t=${lab_t%"${lab_t##*[![:space:]]}"}
  case $lab_t in [![:ascii:]]*|*[![:ascii:]]) ;; *) return 0;; esac
  for u in "${lab_uspaces[@]}"; do [[ $lab_t == "$u"* || $lab_t == *"$u" ]] && return 1; done
  return 0
}

# parseIni of file $1 for one key: sets lab_wanted to 0 or 1 (whether Install.WantedBy holds a value); 1 when unsure.
lab_ini() {
  local raw line pending= section= key val
  while IFS= read -r raw || [ -n "$raw" ]; do
    lab_trim "$raw" || return 1
    line=$pending$lab_t pending=
    if [[ $line == *\\ ]]; then pending="${line%\\} "; continue; fi
    case $line in ''|'#'*|';'*) continue;; esac
    if [[ $line == '['?*']' ]]; then
      # JavaScript's /^\[(.+)\]$/: no line terminators inside; keep to plain text.
      case $line in *[!\ -~]*) return 1;; esac
      section=${line:1:${#line}-2}
      continue
    fi
    [[ $line == *=* ]] || continue
    lab_trim "${line%%=*}" || return 1
    key=$lab_t
    [ "$section.$key" = Install.WantedBy ] || continue
    lab_trim "${line#*=}" || return 1
    if [ -z "$lab_t" ]; then lab_wanted=0; else lab_wanted=1; fi
  done 2>/dev/null < "$1"
}

# unitFileState of the unit found: sets f_state; returns 1 when unsure.
lab_file_state() {
  local root=$R/etc/systemd/system d c
  if [ "$u_masked" = 1 ]; then f_state=masked; return 0; fi
  if [ -e "$root" ]; then
    [ -d "$root" ] && [ -r "$root" ] && [ -x "$root" ] || return 1
    for d in "$root"/*.wants "$root"/*.requires; do
      if lab_entry "$d/$u_name"; then f_state=enabled; return 0; fi
    done
  fi
  # readUnit: the unit file, then NAME.d/*.conf of every unit directory (sorted), an empty WantedBy= resets the list.
  [ -f "$u_path" ] && [ -r "$u_path" ] || return 1
  lab_wanted=0
  lab_ini "$u_path" || return 1
  for d in "${lab_unit_dirs[@]}"; do
    d=$R$d/$u_name.d
    [ -e "$d" ] || continue
    [ -d "$d" ] && [ -r "$d" ] && [ -x "$d" ] || return 1
    for c in "$d"/*.conf; do
      [ -f "$c" ] && [ -r "$c" ] || return 1
      lab_ini "$c" || return 1
    done
  done
  if [ "$lab_wanted" = 1 ]; then f_state=disabled; else f_state=static; fi
}

lab_fast_systemctl() {
  local LC_ALL=C GLOBIGNORE= rest p n out= block
  local -a props=()
  [ $# -ge 4 ] && [ "$1" = show ] && [ "$2" = -p ] || return 1
  rest=$3
  while :; do
    p=${rest%%,*}
    case $p in LoadState|ActiveState|UnitFileState) props+=("$p");; *) return 1;; esac
    [[ $rest == *,* ]] || break
    rest=${rest#*,}
  done
  shift 3
  shopt -s nullglob dotglob
  for n in "$@"; do
    case $n in [!A-Za-z0-9_]*|*[!A-Za-z0-9_@:.-]*) return 1;; esac
    [[ $n == *.service ]] || n=$n.service
    lab_find_unit "$n" || return 1
    local -A v=([LoadState]=not-found [ActiveState]=inactive [UnitFileState]=)
    if [ "$u_found" = 1 ]; then
      lab_active_state "$u_name" || return 1
      lab_file_state || return 1
      v=([LoadState]=loaded [ActiveState]=$a_state [UnitFileState]=$f_state)
      [ "$u_masked" = 1 ] && v[LoadState]=masked
    fi
    block=
    for p in "${props[@]}"; do block+=${block:+$'\n'}$p=${v[$p]}; done
    out+=${out:+$'\n\n'}$block
  done
  printf '%s\n' "$out"
}
