# A machine's initramfs: the shared base and module archives followed by this machine's own
# archive (/.nixvm/machine.sh, generated /etc files, declared files).
set -eu
r=$PWD/root
mkdir -p "$r/.nixvm/etc" "$r/.nixvm/files"
cp "$machineShPath" "$r/.nixvm/machine.sh"
for f in $etcFiles; do # etc_resolv_conf -> $etc_resolv_confPath
  eval "cp \"\$etc_$(echo "$f" | tr . _)Path\" \"\$r/.nixvm/etc/$f\""
done
chmod -R u+w,go-w "$r"

install_file() { # source guest-path mode (files keep the declared mode; directories are copied)
  d=$r/.nixvm/files$2
  mkdir -p "${d%/*}"
  if [ -d "$1" ]; then cp -R "$1" "$d" && chmod -R u+w "$d"; else cp "$1" "$d" && chmod "$3" "$d"; fi
}
. "$filesScriptPath"

. "$cpioFunctions"
mkcpio "$r" machine.cpio
cat "$base" "$moduleArchive" machine.cpio >"$out"
