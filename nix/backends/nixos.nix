# The nixos backend: machines are NixOS modules, evaluated with nixpkgs' eval-config.nix.
#   (import ./nix { }).nixos { }                     # <nixpkgs> from NIX_PATH
#   (import ./nix { }).nixos { nixpkgs = /src/nixpkgs; }
# -> { available; buildVms { name ? "vms"; machines = { <name> = <NixOS module>; }; } }, whose
# result has the host backend's layout (bin/run-<m>-vm, bin/run-vms, network.json), so the driver,
# run-vms and nixvm.runTests use it unchanged. `available` is false without nixpkgs, and
# buildVms then throws saying so.
{ nixpkgs ? null, system ? builtins.currentSystem }:
let
  fromPath = builtins.tryEval <nixpkgs>;
  found = if nixpkgs != null then nixpkgs else if fromPath.success then fromPath.value else null;
in
if found == null then {
  available = false;
  buildVms = _: throw "nixvm: the nixos backend needs nixpkgs: put it on NIX_PATH (-I nixpkgs=/path/to/nixpkgs) or pass nixos { nixpkgs = …; }";
} else {
  available = true;
  buildVms = import ./nixos/build-vms.nix { nixpkgs = found; inherit system; };
}
