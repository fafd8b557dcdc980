# Entry point of the nixvm Nix side (host backend: stock kernel + busybox initramfs, the host's
# /usr shared over 9p). Needs no nixpkgs: plain derivations with /bin/sh and host tools.
#   nixvm = import ./nix { };   nixvm.buildVms { name = "web"; machines = { ... }; }
# runner: the directory of nixvm-runner, which runTests reads test results with; by default
# tools/runner/ beside this directory, where the package has it (and a build of NixVm.Runner puts
# it in a checkout).
{ kernelDir ? null, runner ? null }:
let
  dir = if kernelDir != null then toString kernelDir else (import ./lib.nix).kernelDirectory;
  runnerDir = if runner != null then toString runner else toString ../tools/runner;

  kernel =
    if builtins.substring 0 1 dir != "/" then throw "nixvm: the kernel directory '${dir}' must be an absolute path"
    else import ./kernel.nix { kernelDir = dir; };
  busybox =
    if builtins.pathExists /bin/busybox then builtins.path { path = /bin/busybox; name = "busybox"; }
    else throw "nixvm: /bin/busybox (a static busybox) is missing: nixvm-runner doctor (dotnet build -t:NixVmDoctor) says how to install it";
  # The backdoor shell runs from the initramfs: a dynamic bash loaded over 9p starts ~80 ms later under TCG.
  bash =
    if builtins.pathExists /bin/bash-static then builtins.path { path = /bin/bash-static; name = "bash-static"; }
    else throw "nixvm: /bin/bash-static (a static bash) is missing: nixvm-runner doctor (dotnet build -t:NixVmDoctor) says how to install it";
  # qboot (shipped with Debian's QEMU) starts a -kernel guest ~0.25 s sooner than SeaBIOS.
  qboot = "/usr/share/qemu/qboot.rom";
  firmware = if builtins.pathExists qboot then builtins.path { path = /. + qboot; name = "qboot.rom"; } else null;
  buildMachines = import ./build-vms.nix { inherit kernel busybox bash firmware; };
  # A machine is written as in a NixFile: an attribute set, a function called with { nixvm } (this
  # library), or the path of a file holding either. Only files and functions are replaced by what
  # they give; every other machine keeps its attribute (`//`), so its errors keep pointing at the
  # line that declared it (a mapAttrs result has no positions).
  machine = v: let m = if builtins.isPath v then import v else v; in if builtins.isFunction m then m { nixvm = self; } else m;
  buildVms = args:
    let
      machines = args.machines or { };
      resolved = builtins.filter (n: builtins.isPath machines.${n} || builtins.isFunction machines.${n}) (builtins.attrNames machines);
    in
    buildMachines (if builtins.isAttrs machines && resolved != [ ]
      then args // { machines = machines // builtins.listToAttrs (map (n: { name = n; value = machine machines.${n}; }) resolved); } else args);
  # The JSON declaration NixVmTasks writes (obj/<cfg>/nixvm/network.json) as a network.
  fromDeclaration = declaration: import ./from-json.nix { declaration = toString declaration; inherit kernelDir; };
  # The library itself: what `import <this directory> { }` gives.
  self = {
    inherit buildVms fromDeclaration;
    # The VM tests inside a derivation; see nix/run-tests.nix.
    runTests = import ./run-tests.nix { inherit buildVms fromDeclaration runnerDir; cachedAccelerator = import ./accelerator.nix { inherit (import ./lib.nix) cacheDir; }; };
    # Machines as NixOS modules (needs nixpkgs): nixos { nixpkgs ? <nixpkgs>; }.buildVms { … }.
    nixos = import ./backends/nixos.nix;
    lib = import ./lib.nix // {
      inherit kernel busybox bash firmware machine;
      validate = import ./validate.nix { inherit kernel; };
      # C/C++ built with --coverage for guests; see nix/coverage/.
      instrumentedProgram = import ./coverage/program.nix;
      instrumentedBuild = import ./coverage/build.nix;
    };
  };
in self
