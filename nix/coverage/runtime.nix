# The coverage runtime (runtime.c) compiled once: $out/lib/nixvm-coverage-runtime.o, position
# independent, linked into every program and shared object that nixvm builds with coverage.
derivation {
  name = "nixvm-coverage-runtime";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-euc" ''
    command -v gcc >/dev/null || { echo "nixvm: gcc not found on the host: install it (scripts/bootstrap)" >&2; exit 1; }
    mkdir -p "$out/lib"
    gcc -O2 -fPIC -Wall -Werror -c "$src" -o "$out/lib/nixvm-coverage-runtime.o"
  '' ];
  src = ./runtime.c;
  PATH = "/usr/bin:/bin";
}
