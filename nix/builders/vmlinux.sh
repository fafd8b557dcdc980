# Extract the uncompressed ELF vmlinux from a bzImage, like the kernel's scripts/extract-vmlinux:
# find each compression magic, decompress from there, keep the first result that is an ELF file.
# (Runs under /bin/sh with host tools; $bzImage and $out come from the derivation.)
is_elf() { [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; }

try() { # magic, filler (see extract-vmlinux: tr makes grep -b report byte offsets), decompressor
  command -v "${3%% *}" >/dev/null || return 0
  for pos in $(tr "$1\n$2" "\n$2=" < "$bzImage" | grep -abo "^$2"); do
    pos=${pos%%:*}
    tail -c+"$pos" "$bzImage" | $3 > "$out" 2>/dev/null
    if is_elf "$out"; then exit 0; fi
  done
}

try '\3757zXZ\000' abcde 'xz -dc'
try '(\265/\375'   xxx   'zstd -dcq'
try '\002!L\030'   xxx   'lz4 -dc'
try '\037\213\010' xy    'gzip -dc'
echo "vmlinux: no xz/zstd/lz4/gzip payload that decompresses to an ELF in $bzImage" >&2
rm -f "$out"
exit 1
