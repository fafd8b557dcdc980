# A machine's initramfs: the shared base and module archives followed by this machine's own
# archive (/.nixvm/machine.sh, generated /etc files, declared files). Files land where the guest
# sees them: /etc and /usr paths in the upper layer of their overlay (copying into the overlay at
# boot costs ~40 ms under TCG), everything else at its own path in the initramfs.
set -eu
r=$PWD/root
etc=$r/.nixvm/rw/hostetc/upper
mkdir -p "$r/.nixvm" "$etc"
cp "$machineShPath" "$r/.nixvm/machine.sh"
for f in $etcFiles; do # etc_resolv_conf -> $etc_resolv_confPath
  eval "cp \"\$etc_$(echo "$f" | tr . _)Path\" \"\$etc/$f\""
done
chmod -R u+w,go-w "$r"

guest_dirs() { # dir guest-dir: mkdir -p, giving new directories the mode of the host's (/usr and /etc are the host's)
  [ -d "$1" ] && return
  guest_dirs "${1%/*}" "${2%/*}"
  mkdir "$1"
  if [ -d "$2" ]; then chmod "$(stat -c %a "$2")" "$1"; fi
}
in_archive() { # guest-path: where it goes below $r (/etc and /usr paths: their overlay's upper layer)
  case "$1" in
    /etc/*) echo ".nixvm/rw/hostetc/upper/${1#/etc/}" ;;
    /usr/*) echo ".nixvm/rw/hostusr/upper/${1#/usr/}" ;;
    *) echo "${1#/}" ;;
  esac
}
install_file() { # source guest-path mode (files keep the declared mode; directories are copied)
  d=$r/$(in_archive "$2")
  guest_dirs "${d%/*}" "${2%/*}"
  if [ -d "$1" ]; then cp -R "$1" "$d" && chmod -R u+w "$d"; else cp "$1" "$d" && chmod "$3" "$d"; fi
}
# shellcheck source=/dev/null # generated (nix/initrd.nix)
. "$filesScriptPath"

# shellcheck source=cpio.sh # ($cpioFunctions)
. "$cpioFunctions"
# Services' directories (with owner and mode) and masks (whiteouts) go into an archive of their
# own, unpacked after machine.cpio, which holds their parents. Lines: "dir UID GID MODE PATH", "mask - - - PATH".
ino=1
while read -r kind uid gid mode path; do
  [ -n "$kind" ] || continue
  p=$(in_archive "$path")
  d=$r/$p
  guest_dirs "${d%/*}" "${path%/*}"
  case "$kind" in
    dir) cpio_node "$p" $((0040000 | 0$mode)) "$uid" "$gid" $ino ;;
    mask) cpio_node "$p" $((0020000)) 0 0 $ino ;;
  esac
  ino=$((ino + 1))
done <"$nodesPath" >nodes.cpio
cpio_node 'TRAILER!!!' 0 0 0 0 >>nodes.cpio

mkcpio "$r" machine.cpio
cat "$base" "$moduleArchive" machine.cpio nodes.cpio >"$out"
