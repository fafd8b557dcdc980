# A deliberately failing `report`: the web sample's tests against a web server that serves the
# wrong page, so both tests fail and the build must fail naming them.
{ tests, accelerator ? "auto" }:
let nixvm = import ../../nix { }; in
nixvm.runTests {
  name = "web-wrong-page";
  network = {
    name = "web-wrong-page";
    machines = {
      webserver = {
        services = [ { name = "httpd"; command = "busybox httpd -f -p 80 -h /var/www"; ready = "nc -z 127.0.0.1 80"; } ];
        files."/var/www/index.html" = "Goodbye from webserver\n";
        forwards = [ { host = 8081; guest = 80; } ];
      };
      client = { };
    };
  };
  assembly = "Web.Tests.dll";
  inherit tests accelerator;
  timeout = 600;
}
