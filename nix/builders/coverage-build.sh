# Builds a source tree with its own build system and coverage (see nix/coverage/build.nix): the
# tree is unpacked at its final place in $out, gcc and g++ are wrapped to add --coverage and the
# runtime, build-time runs of the fresh programs write their counters into $TMPDIR, not $out.
set -eu
tree=$out/lib/nixvm-coverage/$name
mkdir -p "$tree"
# Timestamps kept (all equal in the store): make must not think configure or Makefile.in stale.
if [ -d "$src" ]; then cp -R --preserve=timestamps "$src"/. "$tree/"; else tar -xf "$src" -C "$tree" --strip-components=1; fi
chmod -R u+w "$tree"

wrappers=$TMPDIR/nixvm-cc
mkdir -p "$wrappers"
# Also the target-prefixed names: tools like Debian's apxs and apr-1-config name the compiler their
# package was built with (x86_64-linux-gnu-gcc), not $CC.
triplet=$(/usr/bin/gcc -dumpmachine 2>/dev/null || true)
for cc in gcc cc g++ c++ ${triplet:+"$triplet-gcc" "$triplet-g++"}; do
  real=/usr/bin/$cc
  [ -x "$real" ] || continue
  printf '#!/bin/sh\nexec %s --coverage -specs=%s "$@" -O0 -g\n' "$real" "$runtime/lib/nixvm-coverage.specs" >"$wrappers/$cc"
  chmod +x "$wrappers/$cc"
done
[ -x "$wrappers/gcc" ] || { echo "nixvm: gcc not found on the host: install it (scripts/bootstrap)" >&2; exit 1; }
export PATH="$wrappers:$PATH" CC="$wrappers/gcc" CXX="$wrappers/g++" GCOV_PREFIX="$TMPDIR/build-time-coverage"
jobs=${NIX_BUILD_CORES:-1}
[ "$jobs" -gt 0 ] || jobs=$(nproc)

if [ -z "$buildSystem" ]; then
  if [ -f "$tree/CMakeLists.txt" ]; then buildSystem=cmake
  elif [ -x "$tree/configure" ]; then buildSystem=autotools
  else buildSystem="make"; fi
fi
cd "$tree"
# shellcheck disable=SC2086 # the flags are lists of single words (checked in Nix)
case $buildSystem in
  autotools)
    ./configure --prefix="$out" $configureFlags
    make -j"$jobs" $makeFlags
    make $makeFlags install ;;
  cmake)
    command -v cmake >/dev/null || { echo "nixvm: cmake not found on the host: install it (scripts/bootstrap)" >&2; exit 1; }
    cmake -S . -B nixvm-build -DCMAKE_INSTALL_PREFIX="$out" -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" $cmakeFlags
    cmake --build nixvm-build -j "$jobs"
    cmake --install nixvm-build ;;
  make)
    make -j"$jobs" prefix="$out" PREFIX="$out" $makeFlags
    make prefix="$out" PREFIX="$out" $makeFlags install ;;
esac

# What lcov needs stays (sources, .gcno); counters of build-time runs and objects go.
find "$out" -name '*.gcda' -delete
find "$tree" \( -name '*.o' -o -name '*.lo' -o -name '*conftest*.gcno' \) -type f -delete
[ -n "$(find "$tree" -name '*.gcno' -print -quit)" ] ||
  { echo "nixvm: instrumentedBuild '$name': nothing was compiled with coverage (does the build ignore CC and CXX?)" >&2; exit 1; }
