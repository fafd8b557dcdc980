# The part of every initramfs that is the same for all machines: /init, busybox and its applet
# links, the directory skeleton. Built once; machine initrds append their own cpio archives
# (the kernel unpacks concatenated newc archives in order).
set -eu
r=$PWD/root
mkdir -p "$r/.nixvm/bin" "$r/.nixvm/sbin" "$r/.nixvm/host/hostusr" "$r/.nixvm/host/hostetc" \
  "$r/.nixvm/run" "$r/.nixvm/rw/hostusr/upper" "$r/.nixvm/rw/hostusr/work" "$r/.nixvm/rw/hostetc/upper" "$r/.nixvm/rw/hostetc/work" \
  "$r/dev" "$r/proc" "$r/sys" "$r/run" "$r/usr" "$r/etc" "$r/nix/store" "$r$guestExchange" "$r$guestShared" "$r/root" "$r/var"
for l in bin sbin lib lib64; do ln -s "usr/$l" "$r/$l"; done # merged-usr host

# busybox runs before /usr is mounted (a dynamically linked one would kill PID 1); bash must not
# load its libraries over 9p (that is what makes it start slowly).
static() { # file package
  if command -v readelf >/dev/null && readelf -l "$1" | grep -q INTERP; then
    echo "nixvm: $1 is dynamically linked; install a static build (Debian: $2)" >&2
    exit 1
  fi
}
static "$busybox" busybox-static
static "$bash" bash-static
# busybox dispatches on argv[0]: copy it under its own name before asking for the applets
cp "$busybox" "$r/.nixvm/bin/busybox"
for a in $("$r/.nixvm/bin/busybox" --list); do
  [ "$a" = busybox ] || ln -s busybox "$r/.nixvm/bin/$a"
done
for a in poweroff reboot halt; do ln -s ../bin/busybox "$r/.nixvm/sbin/$a"; done
rm "$r/.nixvm/bin/nc"
cp "$ncScript" "$r/.nixvm/bin/nc"
cp "$initScript" "$r/init"
cp "$stopServicesScript" "$r/.nixvm/bin/nixvm-stop-services"
cp "$fstabEarly" "$r/.nixvm/fstab.early"
cp "$fstabSharesPath" "$r/.nixvm/fstab.shares"
cp "$contractsShPath" "$r/.nixvm/contracts.sh"
cp "$bash" "$r/.nixvm/bin/bash"
gcc -static -Os -s -o "$r/.nixvm/bin/nixvm-goahead" "$goaheadSource"

chmod -R u+w,go-w "$r"
chmod 0755 "$r/init" "$r/.nixvm/bin/nixvm-stop-services" "$r/.nixvm/bin/nc" "$r/.nixvm/bin/busybox" "$r/.nixvm/bin/bash" "$r/.nixvm/bin/nixvm-goahead"
chmod 1777 "$r/tmp"
chmod 0700 "$r/root"
# shellcheck source=cpio.sh # ($cpioFunctions)
. "$cpioFunctions"
mkcpio "$r" "$out"
