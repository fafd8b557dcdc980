# The server of derivation-nixos.nix: busybox httpd as a systemd unit, port 80 forwarded from the host.
{ pkgs, ... }:
{
  virtualisation.memorySize = 512;
  virtualisation.forwardPorts = [ { from = "host"; host.port = 8082; guest.port = 80; } ];
  networking.firewall.allowedTCPPorts = [ 80 ];
  environment.etc."www/index.html".text = "Hello from a NixOS server\n";
  systemd.services.web = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = "${pkgs.busybox}/bin/httpd -f -p 80 -h /etc/www";
  };
}
