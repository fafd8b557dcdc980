# Build a machine's initramfs: an uncompressed newc cpio (QEMU loads it as is; the kernel
# unpacks it faster than a compressed one). Inputs come from nix/initrd.nix.
set -eu
r=$PWD/root
mkdir -p "$r/.nixvm/bin" "$r/.nixvm/sbin" "$r/.nixvm/modules" "$r/.nixvm/etc" "$r/.nixvm/files" \
  "$r/.nixvm/host/hostusr" "$r/.nixvm/host/hostetc" "$r/.nixvm/rw" \
  "$r/dev" "$r/proc" "$r/sys" "$r/run" "$r/usr" "$r/etc" "$r/nix/store" "$r/tmp/xchg" "$r/tmp/shared" "$r/root" "$r/var"
for l in bin sbin lib lib64; do ln -s "usr/$l" "$r/$l"; done # merged-usr host

# busybox dispatches on argv[0]: copy it under its own name before asking for the applets
cp "$busybox" "$r/.nixvm/bin/busybox"
chmod 0755 "$r/.nixvm/bin/busybox"
for a in $("$r/.nixvm/bin/busybox" --list); do
  [ "$a" = busybox ] || ln -s busybox "$r/.nixvm/bin/$a"
done
for a in poweroff reboot halt; do ln -s ../bin/busybox "$r/.nixvm/sbin/$a"; done
rm "$r/.nixvm/bin/nc"
cp "$ncScript" "$r/.nixvm/bin/nc"

# Checking a module signature costs ~25 ms per module under TCG, ~0.3 s per boot. Drop the
# appended signature when the kernel does not enforce them (CONFIG_MODULE_SIG_FORCE unset):
# the kernel then only notes an "unsigned module" taint.
magic='~Module signature appended~'
strip_signature() {
  size=$(wc -c <"$1")
  [ "$size" -gt 40 ] && [ "$(tail -c 28 "$1" | head -c 27)" = "$magic" ] || return 0
  # struct module_signature (12 bytes) precedes the magic; its last 4 bytes: signature length (BE)
  set -- "$1" $(tail -c 40 "$1" | od -An -tu1 -j8 -N4)
  siglen=$(($2 * 16777216 + $3 * 65536 + $4 * 256 + $5))
  head -c $((size - 40 - siglen)) "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}
stripSignatures=
[ -n "$kernelConfig" ] && grep -q '^# CONFIG_MODULE_SIG_FORCE is not set' "$kernelConfig" && stripSignatures=1

for m in $moduleFiles; do # name:relative/path.ko[.xz|.zst|.gz]
  src=$modules/${m#*:}
  dst=$r/.nixvm/modules/${m%%:*}.ko
  case "$src" in
    *.xz) xz -dc "$src" >"$dst" ;;
    *.zst) zstd -dcq "$src" >"$dst" ;;
    *.gz) gzip -dc "$src" >"$dst" ;;
    *) cp "$src" "$dst" ;;
  esac
  [ -z "$stripSignatures" ] || strip_signature "$dst"
done

cp "$initScript" "$r/init"
cp "$machineShPath" "$r/.nixvm/machine.sh"
for f in hostname hosts passwd group; do eval "cp \"\$${f}Path\" \"\$r/.nixvm/etc/$f\""; done

chmod -R u+w,go-w "$r"
chmod 0755 "$r/init" "$r/.nixvm/bin/nc"

install_file() { # source guest-path mode (files keep the declared mode; directories are copied)
  d=$r/.nixvm/files$2
  mkdir -p "${d%/*}"
  if [ -d "$1" ]; then cp -R "$1" "$d" && chmod -R u+w "$d"; else cp "$1" "$d" && chmod "$3" "$d"; fi
}
. "$filesScriptPath"

chmod 1777 "$r/tmp"
chmod 0700 "$r/root"
cd "$r"
find . -exec touch -h -d @1 {} + # reproducible archive
find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet >"$out"
