# The web sample's entry points, in the seed's style (tests/subversion.nix):
#   nix-build samples/web/tests/web.nix -A vms && ./result/bin/run-vms    # the network, by hand
#   dotnet build samples/web-tests && nix-build samples/web/tests/web.nix -A report
# `report` boots the network inside the build and runs samples/web-tests' compiled xunit tests
# against it; $out has the JUnit XML, every console log, the driver log and (coverage = true) the
# merged coverage report of both machines. Builds have no network for NuGet, so the tests are
# compiled outside and passed in as their output folder (`--arg tests /path/to/bin/Debug/net10.0`).
{ nixvm ? import ../../../nix { }
, tests ? ../../web-tests/bin/Debug/net10.0
, coverage ? false
, accelerator ? "auto"    # "tcg" skips the KVM probe (15 s on a host whose /dev/kvm cannot boot a guest)
}:
let
  web = import ../. { inherit nixvm; };
in
{
  inherit (web) vms;
  report = nixvm.runTests {
    name = "web";
    network = web.vms;
    assembly = "Web.Tests.dll";
    inherit tests coverage accelerator;
    timeout = 600;
  };
}
