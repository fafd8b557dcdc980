# A deliberately failing `report`: the web sample's tests against a web server that serves the
# wrong page, so both tests fail and the build must fail naming them.
{ tests, accelerator ? "auto" }:
let
  nixvm = import ../../nix { };
  inherit (import ../../samples/web { inherit nixvm; }) web;
  onPath."/usr/local/bin/nixvm-web" = { text = "#!/bin/sh\nexec ${web}/bin/nixvm-web \"$@\"\n"; mode = "0755"; };
in
nixvm.runTests {
  name = "web-wrong-page";
  network = {
    name = "web-wrong-page";
    machines = {
      webserver = {
        services = [ { name = "httpd"; command = "nixvm-web serve 80 /var/www"; ready = "nc -z 127.0.0.1 80"; } ];
        files = onPath // { "/var/www/index.html" = "Goodbye from webserver\n"; };
        forwards = [ { host = 8081; guest = 80; } ];
      };
      client.files = onPath;
    };
  };
  assembly = "Web.Tests.dll";
  inherit tests accelerator;
  timeout = 600;
}
