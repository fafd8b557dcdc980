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
install_file() { # source guest-path mode (files keep the declared mode; directories are copied)
  case "$2" in
    /etc/*) d=$etc/${2#/etc/} ;;
    /usr/*) d=$r/.nixvm/rw/hostusr/upper/${2#/usr/} ;;
    *) d=$r$2 ;;
  esac
  guest_dirs "${d%/*}" "${2%/*}"
  if [ -d "$1" ]; then cp -R "$1" "$d" && chmod -R u+w "$d"; else cp "$1" "$d" && chmod "$3" "$d"; fi
}
. "$filesScriptPath"

. "$cpioFunctions"
mkcpio "$r" machine.cpio
cat "$base" "$moduleArchive" machine.cpio >"$out"
