# A two-machine network on the nixos backend (needs nixpkgs): a web server with a forwarded port
# and a client, on VLAN 1; the server's module is a file, the client's is inline.
{ nixpkgs ? null }:
let nixvm = import ../../nix { }; in
{
  vms = (nixvm.nixos { inherit nixpkgs; }).buildVms {
    name = "nixos-web";
    machines = {
      server = ./derivation-nixos-server.nix;
      client = { pkgs, ... }: {
        virtualisation.memorySize = 512;
        environment.systemPackages = [ pkgs.busybox ];
      };
    };
  };
}
