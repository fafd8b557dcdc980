# A service that runs but never passes its readiness check.
{ nixvm ? import ../../nix { } }:
{
  vms = nixvm.buildVms {
    name = "never-ready";
    machines.sleepy.services = [
      { name = "sleepy"; command = "echo waiting for a port nobody opens; exec sleep 600"; ready = { tcp = 9; }; readyTimeout = 2; }
    ];
  };
}
