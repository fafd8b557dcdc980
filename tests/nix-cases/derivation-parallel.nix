# Two test derivations of the same network (same declared host port 8081) that a build with
# --max-jobs 2 runs at the same time: the web sample's tests fanned out, one test per derivation.
{ tests, accelerator ? "auto" }:
let
  nixvm = import ../../nix { };
  web = import ../../samples/web { inherit nixvm; };
  run = name: method: nixvm.runTests {
    inherit name tests accelerator;
    network = web.vms;
    assembly = "Web.Tests.dll";
    testArgs = [ "-method" method ];
    timeout = 600;
  };
in
{
  client = run "web-client" "*.Client_fetches_the_page";
  host = run "web-host" "*.Host_fetches_the_page";
}
