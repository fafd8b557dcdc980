# A guest whose service exits non-zero: the init must print the reason and power off at once.
{ nixvm ? import ../../nix { } }:
{
  vms = nixvm.buildVms {
    name = "failing-service";
    machines.broken.services = [
      { name = "doomed"; command = "echo about to fail; exit 3"; }
    ];
  };
}
