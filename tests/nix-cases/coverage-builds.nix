# Real source trees built by nixvm.lib.instrumentedBuild (InstrumentedBuildTests): our CMake tree
# (coverage-cmake/: a program, its shared library, a module, a tool run during the build) and GNU
# hello from Debian's source package (autotools; scripts/bootstrap fetches it with apt-get source).
# Machine `builds` runs them; module-host is a plain (uninstrumented) program that loads the module.
{ nixvm ? import ../../nix { } }:
let
  helloSource = nixvm.lib.cacheDir + "/sources/hello";
  moduleHost = import ./plain-program.nix { name = "module-host"; src = ./module-host.c; flags = "-O2 -ldl"; };
in
rec {
  cmake = nixvm.lib.instrumentedBuild { name = "greet"; src = ./coverage-cmake; };
  hello =
    if builtins.pathExists helloSource
    then nixvm.lib.instrumentedBuild { name = "hello"; src = /. + helloSource; }
    else throw "GNU hello's Debian source is not in ${helloSource}: run scripts/bootstrap";
  vms = nixvm.buildVms {
    name = "coverage-builds";
    machines.builds.files = {
      "/usr/local/bin/greeter" = { text = "#!/bin/sh\nexec ${cmake}/bin/greeter \"$@\"\n"; mode = "0755"; };
      "/usr/local/bin/shout-module" = { text = "#!/bin/sh\nexec ${moduleHost}/bin/module-host ${cmake}/lib/greet/libshout.so \"$@\"\n"; mode = "0755"; };
      "/usr/local/bin/hello" = { text = "#!/bin/sh\nexec ${hello}/bin/hello \"$@\"\n"; mode = "0755"; };
    };
  };
}
