# buildVms of the nixos backend: { name ? "vms"; machines = { <name> = <NixOS module>; }; } ->
# bin/run-<m>-vm, bin/run-vms and network.json, laid out like the host backend's output.
# A machine's memory, cores, VLANs and forwards are its NixOS options virtualisation.memorySize,
# .cores, .vlans (default [ 1 ]) and .forwardPorts (from = "host"; bound to 127.0.0.1).
# Errors in a machine's module are the module system's own: they name the module's file (a path
# module, or the file and line where the machine's attribute is written) and are not caught here.
{ nixpkgs, system }:
{ name ? "vms", machines }:
let
  inherit (builtins) attrNames concatStringsSep filter genList length listToAttrs map mapAttrs toJSON unsafeGetAttrPos;
  nix = import ../../lib.nix;
  rules = import ../../network.nix;
  env = nix.contracts.environment;
  pkgs = import nixpkgs { inherit system; };
  names = attrNames machines; # alphabetical: node numbers as in nixpkgs' testing/network.nix
  nodeNumbers = listToAttrs (genList (i: { name = builtins.elemAt names i; value = i + 1; }) (length names));

  where = m: let pos = unsafeGetAttrPos m machines; in
    if pos == null then "machine '${m}'" else "${pos.file}:${toString pos.line} (machine '${m}')";
  eval = m: import "${nixpkgs}/nixos/lib/eval-config.nix" {
    inherit system;
    modules = [
      "${nixpkgs}/nixos/modules/virtualisation/qemu-vm.nix"
      "${nixpkgs}/nixos/modules/testing/test-instrumentation.nix"
      (import ./instrumentation.nix { machineName = m; inherit nodeNumbers configs; })
      # A path keeps its own file name in the module system's messages; inline modules get ours.
      (if builtins.isPath machines.${m} then machines.${m} else { _file = where m; imports = [ machines.${m} ]; })
    ];
  };
  configs = mapAttrs (m: _: (eval m).config) machines;

  hostForwards = c: filter (f: f.from == "host") c.virtualisation.forwardPorts;
  forwardsOf = m: map (f: { protocol = f.proto; hostPort = f.host.port; guestPort = f.guest.port; }) (hostForwards configs.${m});

  # The driver sets the forwards (remapped; empty = none) and the accelerator (contracts.json's
  # hostForwards and startAccelerator); a NixOS start script knows neither, so this wrapper turns
  # them into QEMU_NET_OPTS and a later -machine accel=.
  wrapper = m: let c = configs.${m}; in ''
    #!${pkgs.runtimeShell}
    hostfwd=''${${env.hostForwards}-${rules.hostfwd (forwardsOf m)}}
    QEMU_NET_OPTS="$hostfwd''${hostfwd:+''${QEMU_NET_OPTS:+,}}''${QEMU_NET_OPTS:-}"
    export QEMU_NET_OPTS
    exec ${c.system.build.vm}/bin/run-${m}-vm ''${${env.startAccelerator}:+-machine accel=''$${env.startAccelerator}} "$@"
  '';

  out = builtins.placeholder "out";
  manifest = rules.manifest {
    inherit name out;
    machines = map (m: let c = configs.${m}; in {
      name = m;
      node = nodeNumbers.${m};
      memoryMB = c.virtualisation.memorySize;
      inherit (c.virtualisation) cores vlans;
      forwards = forwardsOf m;
      kernel = "${c.system.build.toplevel}/kernel";
      initrd = "${c.system.build.toplevel}/initrd";
      kernelParams = concatStringsSep " " c.boot.kernelParams;
      backend = "nixos";
    }) names;
  };

  runVms = rules.runVms {
    inherit manifest;
    shell = pkgs.runtimeShell;
    path = concatStringsSep ":" (map (p: "${p}/bin") [ pkgs.vde2 pkgs.qemu_test pkgs.util-linux pkgs.coreutils pkgs.gawk pkgs.gnugrep ]);
    note = ", nixos backend";
  };
in
pkgs.runCommand name {
  networkJson = toJSON manifest;
  inherit runVms;
  passAsFile = [ "networkJson" "runVms" ];
} ''
  mkdir -p $out/bin
  ${concatStringsSep "\n" (map (m: "printf '%s' ${nix.shellEscape (wrapper m)} > $out/bin/run-${m}-vm") names)}
  cp "$runVmsPath" $out/bin/run-vms
  chmod 0555 $out/bin/*
  cp "$networkJsonPath" $out/network.json
''
