# The instrumented store paths a machine's declaration names (in its services or files): those
# that hold .gcno files. The driver warns about each one that wrote no coverage data in the guest
# (NIXVM065). -> a derivation whose output lists them, one per line; null when the declaration
# names no store path at all.
machine:
let
  refs = builtins.toJSON { inherit (machine) files services; };
in
if builtins.getContext refs == { } then null
else derivation {
  name = "${machine.name}-instrumented";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  PATH = "/usr/bin:/bin";
  inherit refs;
  passAsFile = [ "refs" ];
  args = [ "-euc" ''
    : >"$out"
    for p in $(grep -o '/nix/store/[0-9a-z]\{32\}-[A-Za-z0-9+._?=-]*' "$refsPath" | sort -u); do
      if [ -d "$p" ] && [ -n "$(find "$p" -name '*.gcno' -print -quit)" ]; then echo "$p" >>"$out"; fi
    done
  '' ];
}
