# runTests { network; tests; name ? <network's name>; assembly ? null; testArgs ? [ ];
#            timeout ? 3600; coverage ? false; requireKvm ? false; accelerator ? ... }
# -> a derivation that boots the network inside the build, runs the compiled xunit v3 tests with
# the host's dotnet and keeps in $out: <assembly>.junit.xml, logs/<machine>.log + logs/driver.log,
# coverage/ (when on) and nix-support/hydra-build-products. A failing test fails the build and
# the log names it (`nix-build -K` keeps the results in the build directory).
#   network: a buildVms result, a declaration { name; machines; } or the path of a JSON
#            declaration (what NixVmTasks writes to obj/<cfg>/nixvm/network.json)
#   tests:   the test project's output folder (a path or absolute path string; run
#            `dotnet build` first: builds have no network for NuGet) or a derivation holding it
#   assembly: the test assembly's file name; by default the folder's only *.runtimeconfig.json
#   accelerator: "auto" takes the verdict the driver cached for this host (nix/accelerator.nix), so
#            the build does not probe KVM again; without one the build probes (15 s at most)
# The builder reads the results with `nixvm-runner results` (runnerDir, from nix/default.nix): the
# same JUnit reader as the build's, so both count and name failures alike.
{ buildVms, fromDeclaration, cachedAccelerator, runnerDir }:
{ network, tests, name ? null, assembly ? null, testArgs ? [ ], timeout ? 3600, coverage ? false
, requireKvm ? false, accelerator ? (if requireKvm then "kvm" else "auto") }:
let
  inherit (builtins) concatStringsSep elem isAttrs isInt isList isPath isString match pathExists substring;
  lib = import ./lib.nix;
  env = lib.contracts.environment;
  isDerivation = v: isAttrs v && (v.type or null) == "derivation";
  isJsonPath = v: (isPath v || isString v) && match ".*\\.json" (toString v) != null;

  vms =
    if isDerivation network then network
    else if isAttrs network && network ? machines then buildVms network
    else if isJsonPath network then fromDeclaration network
    else throw "nixvm: runTests: attribute 'network': expected a buildVms result, a declaration { name; machines; } or the path of a JSON declaration, got ${lib.typeName network}";
  testName = if name != null then name else vms.name;
  fail = attr: why: throw "nixvm: runTests '${testName}': attribute '${attr}': ${why}";
  resolvedAccelerator = if accelerator == "auto" && cachedAccelerator != null then cachedAccelerator else accelerator;

  testsPath = if isPath tests then tests else /. + tests;
  testsIn =
    if isDerivation tests then tests
    else if !(isPath tests || (isString tests && substring 0 1 tests == "/"))
    then fail "tests" "expected the test project's output folder (a path or an absolute path string) or a derivation, got ${lib.typeName tests}"
    else if !(pathExists testsPath)
    then fail "tests" "${toString tests} does not exist; build the test project first (dotnet build)"
    else builtins.path { path = testsPath; name = "${testName}-tests"; };
  runner =
    if pathExists (runnerDir + "/nixvm-runner.dll") then builtins.path { path = /. + runnerDir; name = "nixvm-runner"; }
    else throw "nixvm: runTests '${testName}': nixvm-runner, which reads the test results, is not in ${runnerDir}: the NixVmTasks package has it in tools/runner/ beside nix/; in a checkout of NixVmTasks, dotnet build tasks/NixVm.Runner puts it there (or import nix { runner = <its directory>; })";
in
if !(isInt timeout) || timeout < 1 then fail "timeout" "must be a positive number of seconds"
else if !(elem accelerator [ "auto" "kvm" "tcg" ]) then fail "accelerator" "'${toString accelerator}' is not one of auto, kvm, tcg"
else if !(isList testArgs) then fail "testArgs" "must be a list of strings, got ${lib.typeName testArgs}"
else derivation {
  name = "vm-test-run-${testName}";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ ./builders/run-tests.sh ];
  inherit runner;
  # The host backend runs the builder's own QEMU, vde2, dotnet and /usr in the guests.
  PATH = "/usr/local/bin:/usr/bin:/bin";
  network = vms;
  tests = testsIn;
  inherit testName;
  assembly = if assembly == null then "" else assembly;
  testArgs = concatStringsSep "\n" testArgs;
  inherit timeout;
  accelerator = resolvedAccelerator;
  coverage = if coverage then "1" else "";
  # The test process's settings (names from contracts.json), sourced by the builder once
  # $results is set.
  testEnvironment = ''
    export ${env.manifest}="$network/network.json" ${env.logDirectory}="$results/logs" ${env.accelerator}="$accelerator" ${env.remapPorts}=1
    export ${env.snapshots}=0 # a snapshot saved in the sandbox would die with it
    if [ -n "$coverage" ]; then export ${env.coverage}=1 ${env.coverageDirectory}="$results/coverage"; fi
  '';
  # $junit and dotnet's arguments that run the tests (contracts.json's testRun).
  testRun = lib.testRunShell;
  passAsFile = [ "testEnvironment" "testRun" ];
  # A build farm schedules this only on machines that can run VMs (and KVM when demanded).
  requiredSystemFeatures = [ "nixos-test" ] ++ (if requireKvm then [ "kvm" ] else [ ]);
} // {
  # Hydra's per-build limit (as nixpkgs' run.nix); the builder itself also stops the run after it.
  meta = { inherit timeout; description = "VM tests of network '${vms.name}'"; };
  inherit vms;
}
