# Builds an instrumented program (see nix/coverage/program.nix): sources are copied into the output and
# compiled there, so the .gcno files and the sources stay where the compiled-in paths point.
set -eu
dir=$out/lib/nixvm-coverage/$name
mkdir -p "$out/bin" "$dir/src"
if [ -d "$src" ]; then cp -R "$src"/. "$dir/src/"; else cp "$src" "$dir/src/$(basename "$src" | sed 's/^[a-z0-9]\{32\}-//')"; fi
chmod -R u+w "$dir/src"

linker=gcc
objects=
for f in $(find "$dir/src" -type f \( -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.cxx' \) | sort); do
  case $f in *.c) cc=gcc ;; *) cc=g++ linker=g++ ;; esac
  command -v "$cc" >/dev/null || { echo "nixvm: $cc not found on the host: install it (scripts/bootstrap)" >&2; exit 1; }
  rel=${f#"$dir/src/"}
  obj=$dir/$(echo "$rel" | tr / _ | sed 's/\.[a-z]*$//').o
  # shellcheck disable=SC2086 # cflags are single words (checked in Nix)
  "$cc" --coverage -O0 -g $cflags -c "$f" -o "$obj"
  objects="$objects $obj"
done
[ -n "$objects" ] || { echo "nixvm: instrumentedProgram '$name': no C/C++ sources in $src" >&2; exit 1; }
# shellcheck disable=SC2086 # objects and ldflags are lists of single words (store paths; checked in Nix)
"$linker" --coverage -specs="$runtime/lib/nixvm-coverage.specs" $objects $ldflags -o "$out/bin/$name"
# shellcheck disable=SC2086 # a list of paths under $out
rm -f $objects
