# NixVmExport copies this file to obj/<cfg>/nixvm/tests.nix (or $(NixVmExportFile)) and writes
# nixvm-export.json beside it, so the network a project declares for `dotnet build` also runs
# under nix-build without being written twice (rebuild the project to refresh them):
#   nix-build obj/Debug/nixvm/tests.nix -A vms       # bin/run-vms, network.json
#   nix-build obj/Debug/nixvm/tests.nix -A report    # the compiled tests inside a derivation
# The JSON holds the declaration (obj/<cfg>/nixvm/network.json), this package's nix/ directory,
# the build's output folder and NixVmCoverage, NixVmTimeoutSeconds and NixVmAccelerator
# (kvm = the build needs the "kvm" system feature).
let
  settings = builtins.fromJSON (builtins.readFile ./nixvm-export.json);
in
{ nixvm ? import (/. + settings.nixDirectory) { }
, coverage ? settings.coverage
, timeout ? settings.timeout
, accelerator ? settings.accelerator
}:
rec {
  vms = nixvm.fromDeclaration settings.declaration;
  report = nixvm.runTests {
    name = settings.networkName;
    network = vms;
    inherit (settings) tests assembly requireKvm;
    inherit coverage timeout accelerator;
  };
}
