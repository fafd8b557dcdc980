# What the MSBuild side runs: nix-build nix/from-json.nix --argstr declaration <network.json>
# The JSON has the attribute names of a Nix declaration (see validate.nix). A machine may add
# "nixFile": a Nix file (relative to the JSON file, or absolute) holding a machine declaration
# (an attribute set, or a function called with { nixvm }: nixvm.lib.machine). The JSON's own values win for scalars;
# lists (services, masks, forwards, modules, kernelParams) are the file's followed by the JSON's, and
# files are merged with the JSON's entries winning.
{ declaration, kernelDir ? null }:
let
  inherit (builtins) filter fromJSON listToAttrs mapAttrs pathExists readFile removeAttrs substring;
  nixvm = import ./. { inherit kernelDir; };
  isText = substring 0 1 declaration == "{";
  decl = fromJSON (if isText then declaration else readFile declaration);
  baseDir = if isText then "/" else dirOf declaration;

  merge = name: m:
    let own = removeAttrs m [ "nixFile" ]; in
    if (m.nixFile or null) == null then own
    else
      let
        path = if substring 0 1 m.nixFile == "/" then m.nixFile else "${baseDir}/${m.nixFile}";
        imported = if pathExists path then import (/. + path)
          else throw "nixvm: machine '${name}': attribute 'nixFile': ${path} does not exist [NIXVM012]";
        file = nixvm.lib.machine imported;
        lists = filter (a: file ? ${a} || own ? ${a}) [ "services" "masks" "forwards" "modules" "kernelParams" ];
      in file // own
        // listToAttrs (map (a: { name = a; value = (file.${a} or [ ]) ++ (own.${a} or [ ]); }) lists)
        // (if file ? files || own ? files then { files = (file.files or { }) // (own.files or { }); } else { });
in
nixvm.buildVms (decl // { machines = mapAttrs merge (decl.machines or { }); })
