# mkcpio DIR OUT: a reproducible, uncompressed newc archive of DIR, owned by root (QEMU loads
# it as is; the kernel unpacks it faster than a compressed one).
mkcpio() {
  (cd "$1" && find . -exec touch -h -d @1 {} + && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) >"$2"
}
