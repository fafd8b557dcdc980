# mkcpio DIR OUT: a reproducible, uncompressed newc archive of DIR, owned by root (QEMU loads
# it as is; the kernel unpacks it faster than a compressed one).
mkcpio() {
  (cd "$1" && find . -exec touch -h -d @1 {} + && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) >"$2"
}

# cpio_node PATH MODE UID GID INO: one newc entry without data, for what cpio -o cannot make
# without privileges: a directory with an owner, or a character device 0:0 (an overlayfs
# whiteout). MODE is numeric, type bits included. End an archive with cpio_node 'TRAILER!!!' 0 0 0 0.
cpio_node() {
  printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
    "$5" "$2" "$3" "$4" 1 1 0 0 0 0 0 $((${#1} + 1)) 0 "$1"
  head -c $(((4 - (110 + ${#1} + 1) % 4) % 4)) /dev/zero # header and name end on a 4-byte boundary
}
