#!/usr/bin/env bash
# kernel-files.sh <unpacked linux-image .deb> <dest> <module>...
# Writes <dest>/vmlinux (the uncompressed ELF cut out of the bzImage, for QEMU's PVH entry) and
# <dest>/modules/NN-<name>.ko for the named modules and everything they depend on, numbered in
# load order. The .deb ships no modules.dep, so the order comes from each module's depends=.
set -euo pipefail
src=$1
dest=$2
shift 2

vmlinuz=$(ls "$src"/boot/vmlinuz-* | head -1)
kver=${vmlinuz##*/vmlinuz-}
moddir=$src/lib/modules/$kver

# ---- vmlinux: find the compressed payload by its magic and unpack the first that is an ELF ----
is_elf() { [ "$(head -c 4 "$1" | tail -c 3)" = "ELF" ]; }
extract() {
  local magic=$1 cmd=$2 offset
  for offset in $(LC_ALL=C grep -obUaP "$magic" "$vmlinuz" | cut -d: -f1); do
    tail -c +"$((offset + 1))" "$vmlinuz" | $cmd >"$dest/vmlinux" 2>/dev/null || true
    if is_elf "$dest/vmlinux"; then return 0; fi
  done
  return 1
}
extract '\xfd7zXZ\x00' 'xz -dc' ||
  extract '\x28\xb5\x2f\xfd' 'zstd -dc' ||
  extract '\x1f\x8b\x08' 'gzip -dc' ||
  { echo "no ELF kernel found inside $vmlinuz" >&2; exit 1; }

# ---- modules: depth-first over depends=, dependencies first ----------------------------------
norm() { echo "${1//-/_}"; }
declare -A path_of=()
while IFS= read -r ko; do
  base=${ko##*/}
  base=${base%.xz}
  base=${base%.zst}
  base=${base%.ko}
  path_of[${base//-/_}]=$ko
done < <(find "$moddir" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst')

builtin() { grep -q "/$(norm "$1").ko\$\|/$1.ko\$" "$moddir/modules.builtin" 2>/dev/null; }
unpacked() {
  case $1 in
    *.xz) xz -dc "$1" ;;
    *.zst) zstd -dc "$1" ;;
    *) cat "$1" ;;
  esac
}

declare -A done_=()
order=()
visit() {
  local name
  name=$(norm "$1")
  [ -n "${done_[$name]:-}" ] && return 0
  done_[$name]=1
  local ko=${path_of[$name]:-}
  if [ -z "$ko" ]; then
    builtin "$1" && return 0
    echo "module $1 is neither in the package nor built in" >&2
    exit 1
  fi
  local deps dep
  deps=$(unpacked "$ko" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -1)
  for dep in ${deps//,/ }; do visit "$dep"; done
  order+=("$name")
}
for m in "$@"; do visit "$m"; done

mkdir -p "$dest/modules"
i=10
for name in "${order[@]}"; do
  unpacked "${path_of[$name]}" >"$dest/modules/$i-$name.ko"
  i=$((i + 1))
done
echo "$kver" >"$dest/version"
echo "kernel $kver; modules in load order: ${order[*]}"
