# The argument checks instrumentedProgram and instrumentedBuild share; errors name the function.
# import ./arguments.nix "<function>" { name; src; } -> { check = value: value or a throw; words; }
fn: { name, src }:
let
  inherit (builtins) concatStringsSep isList match pathExists;
in {
  # The value, once name and src are fine.
  check = value:
    if match "[A-Za-z0-9][A-Za-z0-9_.+-]*" name == null then throw "nixvm: ${fn}: name '${name}' is not a valid name"
    else if !(pathExists src) then throw "nixvm: ${fn} '${name}': src ${toString src} does not exist"
    else value;
  # A list of single words (flags) as one string for the builder.
  words = what: xs:
    if !(isList xs) then throw "nixvm: ${fn} '${name}': ${what} must be a list of strings"
    else concatStringsSep " " (map (x: if match "[^ '\"\\\n]+" x != null then x
      else throw "nixvm: ${fn} '${name}': ${what} entry '${x}' must be one word without quotes") xs);
}
