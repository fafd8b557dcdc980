# The coverage runtime (runtime.c) compiled once: $out/lib/nixvm-coverage-runtime.o, position
# independent, linked into every program and shared object that nixvm builds with coverage; and
# $out/lib/nixvm-coverage.specs, a gcc specs file that links it into everything gcc links
# (programs, shared objects, modules; also with -nostdlib, as libtool links C++ libraries).
# Its directories and the cache rules come from nix/contracts.json, as C string literals.
let
  inherit (builtins) concatStringsSep replaceStrings;
  contracts = (import ../lib.nix).contracts;
  inherit (contracts) guest directories;
  cString = s: "\"" + replaceStrings [ "\\" "\"" ] [ "\\\\" "\\\"" ] s + "\"";
  guestData = "${guest.exchange}/${guest.coverageData}";
in
derivation {
  name = "nixvm-coverage-runtime";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-euc" ''
    command -v gcc >/dev/null || { echo "nixvm: gcc not found on the host: install it (scripts/bootstrap)" >&2; exit 1; }
    mkdir -p "$out/lib"
    gcc -O2 -fPIC -Wall -Werror -DGUEST_DATA="$guestData" -DGUEST_ERRORS="$guestErrors" -DHOST_DATA="$hostData" \
      -DCACHE_RULES="$cacheRules" -c "$src" -o "$out/lib/nixvm-coverage-runtime.o"
    printf '%%rename link nixvm_link\n*link:\n%%(nixvm_link) %%{!r:%s}\n' "$out/lib/nixvm-coverage-runtime.o" >"$out/lib/nixvm-coverage.specs"
  '' ];
  src = ./runtime.c;
  PATH = "/usr/bin:/bin";
  guestData = cString guestData;
  guestErrors = cString "${guestData}/${guest.coverageErrors}";
  hostData = cString directories.hostCoverageData;
  cacheRules = concatStringsSep ", " (map (r: "{${cString r.variable}, ${cString r.append}}") directories.cache);
}
