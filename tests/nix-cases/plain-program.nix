# A program compiled by the host's plain gcc, without nixvm.lib (no coverage runtime), in $out:
# import ./plain-program.nix { name; src; flags; } -> $out/bin/<name>
{ name, src, flags }:
derivation {
  inherit name src;
  system = builtins.currentSystem;
  builder = "/bin/sh";
  PATH = "/usr/bin:/bin";
  args = [ "-euc" ''mkdir -p "$out/bin" && cd "$out" && cp "$src" "$name.c" && gcc ${flags} "$name.c" -o "bin/$name"'' ];
}
