# A guest whose service exits non-zero: the init must print the reason and power off at once
# (after saving the service's log paths), with the last 20 of its log's 26 lines.
{ nixvm ? import ../../nix { } }:
{
  vms = nixvm.buildVms {
    name = "failing-service";
    machines.broken.services = [
      {
        name = "doomed";
        command = "seq 25 | sed 's/^/line /'; echo about to fail; echo why >/tmp/doomed-notes; exit 3";
        logs = [ "/tmp/doomed-notes" ];
      }
    ];
  };
}
