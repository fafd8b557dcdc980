# Added to every machine of a nixos-backend network, next to nixpkgs' own qemu-vm.nix and
# testing/test-instrumentation.nix (backdoor root shell on hvc0, serial console on ttyS0,
# usePredictableInterfaceNames = false, no gateway or name servers). This module adds the network
# of the host backend (see ARCHITECTURE.md), as nixpkgs' nixos/lib/testing/network.nix does for its tests:
#   eth0 = SLiRP (restricted; forwards come from $QEMU_NET_OPTS, set by bin/run-<m>-vm so the
#   driver can remap them), eth<k> = the k-th of virtualisation.vlans on QEMU_VDE_SOCKET_<vlan>,
#   MAC 52:54:00:12:<vlan>:<node>, 192.168.<vlan>.<node>/24, /etc/hosts listing every machine.
# Our driver's extra virtio serial ports (org.nixvm.*) need only virtio_console, which the
# instrumentation already requires.
{ machineName, nodeNumbers, configs }:
{ lib, ... }@args:
let
  inherit (builtins) attrNames concatLists concatStringsSep head listToAttrs map;
  nix = import ../../lib.nix;
  rules = import ../../network.nix;
  cfg = args.config.virtualisation;
  node = nodeNumbers.${machineName};
  nics = nix.indexed cfg.vlans;
  hostsLine = m: let vlans = configs.${m}.virtualisation.vlans; in
    if vlans == [ ] then "" else "${rules.ipFor (head vlans) nodeNumbers.${m}} ${m}\n";
in
{
  system.name = machineName;                     # the start script is run-<machineName>-vm
  networking.hostName = lib.mkDefault machineName;
  virtualisation.graphics = lib.mkDefault false;
  documentation.enable = lib.mkDefault false;   # as nixpkgs' nixos-test-base.nix: faster builds
  virtualisation.qemu.networkingOptions = lib.mkForce [
    "-net nic,netdev=user.0,model=virtio"
    "-netdev user,id=user.0,restrict=on,\"$QEMU_NET_OPTS\""
  ];
  virtualisation.qemu.options = concatLists (map (nic: let v = toString nic.value; in [
    "-device virtio-net-pci,netdev=vlan${v},mac=${rules.macFor nic.value node}"
    "-netdev vde,id=vlan${v},sock=\"$QEMU_VDE_SOCKET_${v}\""
  ]) nics);
  networking.interfaces = listToAttrs (map (nic: {
    name = "eth${toString nic.index}";
    value.ipv4.addresses = [ { address = rules.ipFor nic.value node; prefixLength = 24; } ];
  }) nics);
  networking.extraHosts = concatStringsSep "" (map hostsLine (attrNames nodeNumbers));

  # bin/run-vms waits for this line on the serial console (the host backend's init prints it too).
  systemd.services.nixvm-ready = {
    wantedBy = [ "multi-user.target" ];
    after = [ "backdoor.service" ];
    serviceConfig.Type = "oneshot";
    script = "echo ${nix.shellEscape nix.contracts.guest.readyBanner} > /dev/ttyS0";
  };
}
