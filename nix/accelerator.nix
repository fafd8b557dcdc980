# The accelerator verdict the driver cached for this host (Accelerators/AcceleratorProbe.cs writes
# <cacheDir>/accelerator-probe.json: { "<host kernel>|<qemu>@<mtime>|<guest kernel>" = { Accelerator; Reason; }; }),
# read at evaluation time so that a test derivation with accelerator "auto" does not boot a probe
# guest under KVM in every build (its builder has no cache: HOME is the build's directory).
# "kvm" or "tcg" when every verdict cached for the running host kernel agrees; else null (the build probes).
{ cacheDir }:
let
  inherit (builtins) attrNames fromJSON head match pathExists readFile;
  lib = import ./lib.nix;
  cacheFile = cacheDir + "/accelerator-probe.json";
  osrelease = /proc/sys/kernel/osrelease;
  hostKernel = head (match "([^\n]*)\n?" (readFile osrelease));
  cache = fromJSON (readFile cacheFile);
  verdicts = lib.unique (map (key: cache.${key}.Accelerator or null)
    (builtins.filter (lib.hasPrefix (hostKernel + "|")) (attrNames cache)));
in
if !(pathExists cacheFile) || !(pathExists osrelease) then null
else if builtins.length verdicts == 1 && builtins.elem (head verdicts) [ "kvm" "tcg" ] then head verdicts
else null
