# One idle machine with the defaults (256 MiB, no services): the machine bench/nix/scale.nix starts.
{ nixvm ? import ../../nix { } }:
{
  vms = nixvm.buildVms {
    name = "idle";
    machines.m1 = { };
  };
}
