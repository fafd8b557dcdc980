# The seed's example: a web server and a client on one VLAN.
#   nix-build samples/web -A vms && ./result/bin/run-vms
# Both machines run nixvm-web (src/nixvm-web.c), built with --coverage: the web server serves the
# page with it, the client fetches with it (`nixvm-web get webserver /`), so each machine covers
# a different part of the program and the merged coverage report shows both.
{ nixvm ? import ../../nix { } }:
let
  web = nixvm.lib.instrumentedProgram { name = "nixvm-web"; src = ./src; };
  # On PATH in both guests; the program itself stays at its store path (its .gcda path is compiled in).
  onPath."/usr/local/bin/nixvm-web" = { text = "#!/bin/sh\nexec ${web}/bin/nixvm-web \"$@\"\n"; mode = "0755"; };
in
{
  inherit web;
  vms = nixvm.buildVms {
    name = "web";
    machines = {
      webserver = {
        vlans = [ 1 ];
        services = [{
          name = "httpd";
          command = "nixvm-web serve 80 /var/www";
          ready = "nc -z 127.0.0.1 80";
        }];
        files = onPath // { "/var/www/index.html" = "Hello from webserver\n"; };
        forwards = [{ host = 8081; guest = 80; }];
      };
      client = {
        vlans = [ 1 ];
        files = onPath;
      };
    };
  };
}
