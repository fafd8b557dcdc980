# The seed's example: a web server and a client on one VLAN.
#   nix-build samples/web -A vms && ./result/bin/run-vms
{ nixvm ? import ../../nix { } }:
{
  vms = nixvm.buildVms {
    name = "web";
    machines = {
      webserver = {
        vlans = [ 1 ];
        services = [{
          name = "httpd";
          command = "busybox httpd -f -p 80 -h /var/www";
          ready = "nc -z 127.0.0.1 80";
        }];
        files."/var/www/index.html" = "Hello from webserver\n";
        forwards = [{ host = 8081; guest = 80; }];
      };
      client = {
        vlans = [ 1 ];
      };
    };
  };
}
