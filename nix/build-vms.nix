# buildVms { name ? "vms"; machines = { <name> = <declaration>; ... }; }
# -> one store path with bin/run-<name>-vm per machine, bin/run-vms and network.json.
# See nix/validate.nix for the declaration attributes.
{ kernel, busybox, bash, firmware }:
{ name ? "vms", machines, ... }@args:
let
  rules = import ./network.nix;
  inherit (builtins) concatStringsSep listToAttrs map toJSON;

  # validate.nix also checks the arguments (and needs them as written, for the errors' positions).
  checked = import ./validate.nix { inherit kernel; } args;

  # Measured under TCG (see nix/README.md): rodata=off skips the W+X page-table walk (~0.2 s),
  # mitigations=off and no_timer_check ~0.1 s each; these are throw-away test guests.
  # norandmaps: QEMU's TCG reuses translated code only at the same virtual address, so with
  # randomised mappings every program start translates libc and ld.so again (20 `bash -c :`
  # take 0.43 s instead of 1.5 s).
  defaultKernelParams = [
    "console=ttyS0" "panic=-1" "quiet" "loglevel=3" "cryptomgr.notests"
    "8250.nr_uarts=1" "i8042.noaux" "i8042.nokbd" "i8042.nopnp"
    "rodata=off" "no_timer_check" "mitigations=off" "norandmaps"
    "initcall_blacklist=init_kprobe_trace,crypto_kdf108_init" # kprobe events, a self-test: ~0.1 s
  ];
  network = {
    inherit name;
    machines = checked;
    macFor = v: m: rules.macFor v m.node;
    ipFor = v: m: rules.ipFor v m.node;
    hostfwd = m: rules.hostfwd m.forwards;
    kernelParamsFor = m: concatStringsSep " " (defaultKernelParams ++ m.kernelParams);
  };

  mkInitrd = import ./initrd.nix { inherit kernel busybox bash network; };
  mkRunScript = import ./run-vm.nix { inherit network firmware; inherit (kernel) vmlinux; };
  out = builtins.placeholder "out";

  vms = map (m: rec {
    machine = m; initrd = mkInitrd m; script = mkRunScript m initrd;
    instrumented = import ./coverage/inventory.nix m;
  }) checked;

  manifest = rules.manifest {
    inherit name out;
    machines = map (vm: let m = vm.machine; in {
      inherit (m) name node memoryMB cores vlans forwards;
      kernel = "${kernel.vmlinux}";
      initrd = "${vm.initrd}";
      kernelParams = network.kernelParamsFor m;
      backend = "host";
      # A file listing the instrumented store paths the declaration names (see coverage/inventory.nix).
      instrumented = if vm.instrumented == null then null else "${vm.instrumented}";
    }) vms;
  };
  runVms = rules.runVms { inherit manifest; shell = "/usr/bin/env bash"; };

  scriptAttr = m: "run_${builtins.replaceStrings [ "-" ] [ "_" ] m.name}_vm";
in
derivation ({
  inherit name;
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ ./builders/vms.sh ];
  PATH = "/usr/bin:/bin";
  machineNames = concatStringsSep " " (map (m: m.name) checked);
  networkJson = toJSON manifest;
  inherit runVms;
  passAsFile = [ "networkJson" "runVms" ] ++ map (vm: scriptAttr vm.machine) vms;
} // listToAttrs (map (vm: { name = scriptAttr vm.machine; value = vm.script; }) vms))
