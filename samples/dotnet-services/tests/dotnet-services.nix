# The .NET services sample's entry points, in the seed's style. The network is declared by the
# sample's test project (samples/dotnet-services-tests, VirtualMachineService Project= items); its
# dotnet build publishes the API and the worker and writes obj/Debug/net10.0/nixvm/tests.nix, which
# this file re-exports:
#   dotnet build samples/dotnet-services-tests
#   nix-build samples/dotnet-services/tests/dotnet-services.nix -A vms && ./result/bin/run-vms   # by hand
#   nix-build samples/dotnet-services/tests/dotnet-services.nix -A report                       # tests in a derivation
# Builds have no network for NuGet, so the services are published and the tests compiled outside.
{ nixvm ? import ../../../nix { }
, build ? ../../dotnet-services-tests/obj/Debug/net10.0/nixvm
, coverage ? false
, accelerator ? "auto"    # "tcg" skips the KVM probe (15 s on a host whose /dev/kvm cannot boot a guest)
}:
let exported = build + "/tests.nix"; in
if !(builtins.pathExists exported)
then throw "nixvm: ${toString exported} does not exist; run `dotnet build samples/dotnet-services-tests` first"
else import exported { inherit nixvm coverage accelerator; }
