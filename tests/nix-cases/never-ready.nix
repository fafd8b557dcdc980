# A service that runs but never passes its readiness check.
{ nixvm ? import ../../nix { } }:
{
  vms = nixvm.buildVms {
    name = "never-ready";
    machines.sleepy.services = [
      { name = "sleepy"; command = "sleep 600"; ready = "false"; readyTimeout = 2; }
    ];
  };
}
