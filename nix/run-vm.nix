# Text of bin/run-<name>-vm, following NixOS qemu-vm.nix conventions (TMPDIR/USE_TMPDIR,
# SHARED_DIR, QEMU_OPTS, QEMU_NET_OPTS, QEMU_KERNEL_PARAMS, QEMU_VDE_SOCKET_<n>, "$@"), so that
# both our driver and nixpkgs' test driver can start it. It never passes -serial, -monitor,
# -qmp, the 'shell' chardev, a virtconsole or -no-reboot: the driver appends those.
{ network, vmlinux, firmware }:
machine: initrd:
let
  lib = import ./lib.nix;
  inherit (builtins) concatStringsSep map;
  env = lib.contracts.environment;
  guest = lib.contracts.guest;
  exchange = lib.contracts.directories.hostExchange;
  script = "run-${machine.name}-vm";
  virtfs = path: tag: ro:
    "-virtfs local,path=${path},security_model=none,multidevs=remap${if ro then ",readonly=on" else ""},mount_tag=${tag}";
  vdeCheck = v: let var = "QEMU_VDE_SOCKET_${toString v}"; in ''
    if [ -z "''$${var}" ]; then
      echo "${script}: ${var} is not set; start the network with run-vms or the NixVm driver" >&2
      exit 1
    fi
  '';
  vlanArgs = v: let vs = toString v; in
    "  -netdev vde,id=vlan${vs},sock=\"$QEMU_VDE_SOCKET_${vs}\" \\\n" +
    "  -device virtio-net-pci,netdev=vlan${vs},mac=${network.macFor v machine},romfile= \\\n";
in ''
  #!/bin/sh
  # Starts machine '${machine.name}' of network '${network.name}' (nixvm host backend).
  set -e
  ${concatStringsSep "" (map vdeCheck machine.vlans)}
  if [ -z "$TMPDIR" ] || [ -z "$USE_TMPDIR" ]; then TMPDIR=$(mktemp -d nix-vm.XXXXXXXXXX --tmpdir); fi
  mkdir -p "$TMPDIR/${exchange}"
  cd "$TMPDIR"
  # Port forwards on the SLiRP NIC: unset = as declared, empty = none (the driver remaps ports).
  hostfwd=''${${env.hostForwards}-${network.hostfwd machine}}
  accel=''${${env.startAccelerator}:-tcg}
  ${if machine.cores == 1 then ''
  # One vCPU: single-threaded TCG answers the backdoor ~0.4 ms sooner per command than the
  # multi-threaded default (measured with bench/, median of 8 alternating runs).
  [ "$accel" != tcg ] || accel=tcg,thread=single'' else ""}
  exec ''${${env.qemu}:-qemu-system-x86_64} -name ${machine.name} \
    -machine q35 -accel "$accel" -m ${toString machine.memoryMB} -smp ${toString machine.cores} \
    -nodefaults -no-user-config -nographic -vga none \
    ${if firmware == null then "" else "-bios ${firmware} "}-kernel ${vmlinux} -initrd ${initrd} \
    -append "${lib.dquoteEscape (network.kernelParamsFor machine)} $QEMU_KERNEL_PARAMS" \
    ${virtfs "/usr" "hostusr" true} \
    ${virtfs "/etc" "hostetc" true} \
    ${virtfs "/nix/store" "nix-store" true} \
    ${virtfs "\"$TMPDIR/${exchange}\"" guest.exchangeTag false} \
    ${virtfs "\"\${SHARED_DIR:-$TMPDIR/${exchange}}\"" guest.sharedTag false} \
    -netdev "user,id=user.0,restrict=on''${hostfwd:+,$hostfwd}''${QEMU_NET_OPTS:+,$QEMU_NET_OPTS}" \
    -device virtio-net-pci,netdev=user.0,romfile= \
  ${concatStringsSep "" (map vlanArgs machine.vlans)}  $QEMU_OPTS "$@"
''
