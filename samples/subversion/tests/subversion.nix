# The subversion sample's entry points, in the seed's style (tests/subversion.nix):
#   nix-build samples/subversion/tests/subversion.nix -A vms && ./result/bin/run-vms   # the network, by hand
#   dotnet build samples/subversion-tests && nix-build samples/subversion/tests/subversion.nix -A report
# `report` boots the network inside the build and runs samples/subversion-tests' compiled xunit
# tests against it; $out has the JUnit XML, every console log, the driver log and (coverage = true,
# the default here as in the seed) the merged coverage report of both machines. Builds have no
# network for NuGet, so the tests are compiled outside and passed in as their output folder
# (`--arg tests /path/to/bin/Debug/net10.0`). `--arg fromSource true`: the same with httpd and
# Subversion built from Debian's sources with coverage (../from-source.nix), as in the seed.
{ nixvm ? import ../../../nix { }
, fromSource ? false
, tests ? ../../subversion-tests/bin/Debug/net10.0
, coverage ? true
, accelerator ? "auto"    # "tcg" skips the KVM probe (15 s on a host whose /dev/kvm cannot boot a guest)
}:
let
  subversion = import ../. { inherit nixvm fromSource; };
in
{
  inherit (subversion) vms;
  report = nixvm.runTests {
    name = if fromSource then "subversion-from-source" else "subversion";
    network = subversion.vms;
    assembly = "Subversion.Tests.dll";
    inherit tests coverage accelerator;
    timeout = if fromSource then 1800 else 900;   # instrumented -O0 builds of httpd and svn are slower under TCG
  };
}
