# What instrumentedProgram and instrumentedBuild share: argument checks (errors name the function)
# and the derivation around their builder.
# import ./common.nix "<function>" { name; src; } -> { derivation = builder: attrs: …; words; }
fn: { name, src }:
let
  inherit (builtins) concatStringsSep isList match pathExists;
in {
  # The derivation of name and src run by builder (a nix/builders/*.sh) with the coverage runtime
  # in $runtime and these attributes, once name and src are fine.
  derivation = builder: attrs:
    if match "[A-Za-z0-9][A-Za-z0-9_.+-]*" name == null then throw "nixvm: ${fn}: name '${name}' is not a valid name"
    else if !(pathExists src) then throw "nixvm: ${fn} '${name}': src ${toString src} does not exist"
    else builtins.derivation ({
      inherit name src;
      system = builtins.currentSystem;
      builder = "/bin/sh";
      args = [ builder ];
      PATH = "/usr/bin:/bin";
      runtime = import ./runtime.nix;
    } // attrs);
  # A list of single words (flags) as one string for the builder.
  words = what: xs:
    if !(isList xs) then throw "nixvm: ${fn} '${name}': ${what} must be a list of strings"
    else concatStringsSep " " (map (x: if match "[^ '\"\\\n]+" x != null then x
      else throw "nixvm: ${fn} '${name}': ${what} entry '${x}' must be one word without quotes") xs);
}
