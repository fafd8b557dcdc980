# N identical idle machines on VLAN 1, for boot-scaling figures: nix-build bench/nix/scale.nix --argstr n 4
{ n ? "1", nixvm ? import ../../nix { } }:
let
  count = builtins.fromJSON n;
  names = builtins.genList (i: "m${toString (i + 1)}") count;
in
nixvm.buildVms {
  name = "scale-${n}";
  machines = builtins.listToAttrs (map (name: { inherit name; value = { }; }) names);
}
