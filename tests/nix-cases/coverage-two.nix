# Known coverage on several machines (CoverageTests, marks in coverage-tiny.c): alpha runs
# coverage-tiny as a service (stopped with SIGTERM when coverage is collected), beta runs it once
# from the test, gamma runs nothing instrumented and must be reported as having no data.
{ nixvm ? import ../../nix { } }:
let
  tiny = nixvm.lib.instrumentedProgram { name = "coverage-tiny"; src = ./coverage-tiny.c; };
in
{
  inherit tiny;
  vms = nixvm.buildVms {
    name = "coverage";
    machines = {
      alpha.services = [{ name = "tiny"; command = "${tiny}/bin/coverage-tiny serve"; }];
      beta.files."/usr/local/bin/coverage-tiny" = { text = "#!/bin/sh\nexec ${tiny}/bin/coverage-tiny \"$@\"\n"; mode = "0755"; };
      gamma = { };
    };
  };
}
