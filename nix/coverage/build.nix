# instrumentedBuild { name; src; buildSystem ? null; configureFlags ? [ ]; cmakeFlags ? [ ]; makeFlags ? [ ]; }
# -> a source tree built by its own build system with coverage, installed into $out (bin/, lib/,
# modules, … wherever its install puts them), with what lcov needs at $out/lib/nixvm-coverage/<name>/
# (the sources and .gcno files).
#   src          a source directory, or a tarball (tar -xf; one top directory is stripped)
#   buildSystem  "autotools" (./configure --prefix=$out && make && make install), "cmake"
#                (CMAKE_INSTALL_PREFIX=$out; build, install), "make" (make prefix=$out PREFIX=$out,
#                then the same with install); null: cmake if CMakeLists.txt, autotools if configure,
#                else make
# The rule every instrumented build follows (also one of your own): compile at the final store
# path (the tree is unpacked into $out, so the .gcno files and the paths compiled into the objects
# stay valid), link the coverage runtime into everything (here: gcc/g++ wrappers that add
# --coverage -O0 and -specs=<runtime>/lib/nixvm-coverage.specs), and leave no .gcda in $out.
{ name, src, buildSystem ? null, configureFlags ? [ ], cmakeFlags ? [ ], makeFlags ? [ ] }:
let
  common = import ./common.nix "instrumentedBuild" { inherit name src; };
in
if buildSystem != null && !(builtins.elem buildSystem [ "autotools" "cmake" "make" ])
then throw "nixvm: instrumentedBuild '${name}': buildSystem '${toString buildSystem}' is not one of autotools, cmake, make"
else common.derivation ../builders/coverage-build.sh {
  buildSystem = if buildSystem == null then "" else buildSystem;
  configureFlags = common.words "configureFlags" configureFlags;
  cmakeFlags = common.words "cmakeFlags" cmakeFlags;
  makeFlags = common.words "makeFlags" makeFlags;
}
