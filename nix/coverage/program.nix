# instrumentedProgram { name; src; cflags ? [ ]; ldflags ? [ ]; }
# -> $out/bin/<name>, compiled by the host's gcc/g++ with --coverage -O0, plus what lcov needs to
# capture later: $out/lib/nixvm-coverage/<name>/{src/,*.gcno}.
# `src` is one C/C++ file or a directory of them (*.c, *.cc, *.cpp, *.cxx; headers come along).
# Objects are compiled at their final store path, so the .gcda path libgcov writes is
# /nix/store/…/lib/nixvm-coverage/<name>/<file>.gcda; the coverage runtime (runtime.c, linked in)
# writes it below the guest's /tmp/xchg/coverage-data, where the host finds each .gcda at the
# same path below coverage-data/ and its .gcno at the path itself.
{ name, src, cflags ? [ ], ldflags ? [ ] }:
let
  common = import ./common.nix "instrumentedProgram" { inherit name src; };
in
common.derivation ../builders/coverage-program.sh {
  cflags = common.words "cflags" cflags;
  ldflags = common.words "ldflags" ldflags;
}
