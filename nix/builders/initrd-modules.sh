# The kernel modules of an initramfs, as a cpio archive of /.nixvm/modules/<name>.ko (names
# normalised, load order is in /.nixvm/machine.sh). Shared by machines with the same modules.
set -eu
r=$PWD/root
mkdir -p "$r/.nixvm/modules"

# Checking a module signature costs ~25 ms per module under TCG, ~0.3 s per boot. Drop the
# appended signature when the kernel does not enforce them (CONFIG_MODULE_SIG_FORCE unset):
# the kernel then only notes an "unsigned module" taint.
magic='~Module signature appended~'
strip_signature() {
  size=$(wc -c <"$1")
  [ "$size" -gt 40 ] && [ "$(tail -c 28 "$1" | head -c 27)" = "$magic" ] || return 0
  # struct module_signature (12 bytes) precedes the magic; its last 4 bytes: signature length (BE)
  # shellcheck disable=SC2046 # four numbers, split on purpose
  set -- "$1" $(tail -c 40 "$1" | od -An -tu1 -j8 -N4)
  siglen=$(($2 * 16777216 + $3 * 65536 + $4 * 256 + $5))
  head -c $((size - 40 - siglen)) "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}
strip=
[ -n "$kernelConfig" ] && grep -q '^# CONFIG_MODULE_SIG_FORCE is not set' "$kernelConfig" && strip=1

for m in $moduleFiles; do # name:relative/path.ko[.xz|.zst|.gz]
  src=$modules/${m#*:}
  dst=$r/.nixvm/modules/${m%%:*}.ko
  case "$src" in
    *.xz) xz -dc "$src" >"$dst" ;;
    *.zst) zstd -dcq "$src" >"$dst" ;;
    *.gz) gzip -dc "$src" >"$dst" ;;
    *) cp "$src" "$dst" ;;
  esac
  chmod 0644 "$dst"
  [ -z "$strip" ] || strip_signature "$dst"
  # Type information for BPF and the tracing events: each module load parses and registers them
  # (~15 ms per boot under TCG); test guests do not trace their kernel.
  objcopy --remove-section=.BTF --remove-section=_ftrace_events --remove-section=.rela_ftrace_events \
    --remove-section=__bpf_raw_tp_map --remove-section=.rela__bpf_raw_tp_map "$dst"
done
# One `modprobe -a` loads them all (a process per module costs ~2 ms under TCG). The dependencies
# were resolved at evaluation: modules.dep lists each file without dependencies, and the init
# names the modules in load order.
d=$r/usr/lib/modules/$kernelVersion
mkdir -p "$d"
for m in $moduleFiles; do echo "/.nixvm/modules/${m%%:*}.ko:"; done >"$d/modules.dep"
# shellcheck source=cpio.sh # ($cpioFunctions)
. "$cpioFunctions"
mkcpio "$r" "$out"
