# The part of every initramfs that is the same for all machines: /init, busybox and its applet
# links, the directory skeleton. Built once; machine initrds append their own cpio archives
# (the kernel unpacks concatenated newc archives in order).
set -eu
r=$PWD/root
mkdir -p "$r/.nixvm/bin" "$r/.nixvm/sbin" "$r/.nixvm/host/hostusr" "$r/.nixvm/host/hostetc" "$r/.nixvm/rw" \
  "$r/dev" "$r/proc" "$r/sys" "$r/run" "$r/usr" "$r/etc" "$r/nix/store" "$r/tmp/xchg" "$r/tmp/shared" "$r/root" "$r/var"
for l in bin sbin lib lib64; do ln -s "usr/$l" "$r/$l"; done # merged-usr host

# It runs before /usr is mounted: a dynamically linked busybox would kill PID 1.
if command -v readelf >/dev/null && readelf -l "$busybox" | grep -q INTERP; then
  echo "nixvm: $busybox is dynamically linked; install a static busybox (Debian: busybox-static)" >&2
  exit 1
fi
# busybox dispatches on argv[0]: copy it under its own name before asking for the applets
cp "$busybox" "$r/.nixvm/bin/busybox"
for a in $("$r/.nixvm/bin/busybox" --list); do
  [ "$a" = busybox ] || ln -s busybox "$r/.nixvm/bin/$a"
done
for a in poweroff reboot halt; do ln -s ../bin/busybox "$r/.nixvm/sbin/$a"; done
rm "$r/.nixvm/bin/nc"
cp "$ncScript" "$r/.nixvm/bin/nc"
cp "$initScript" "$r/init"

chmod -R u+w,go-w "$r"
chmod 0755 "$r/init" "$r/.nixvm/bin/nc" "$r/.nixvm/bin/busybox"
chmod 1777 "$r/tmp"
chmod 0700 "$r/root"
. "$cpioFunctions"
mkcpio "$r" "$out"
