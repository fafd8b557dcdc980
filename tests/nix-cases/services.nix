# The service model (ServiceTests and ServiceStopTests check each part from the backdoor).
# Each service gets ready late (after a `sleep 1`), and the next one records whether the previous
# one's ready check had passed when it started, in /tmp/readiness. Stopping services appends
# their names to /tmp/stop-order.
{ nixvm ? import ../../nix { } }:
{
  vms = nixvm.buildVms {
    name = "services";
    machines.alpha = {
      vlans = [ 1 2 ];
      masks = [ "/etc/issue.net" ];
      services = [
        {
          name = "owned";
          user = "svc";
          directories = [ "/var/lib/owned" { path = "/var/log/owned"; group = "www-data"; mode = "0770"; } ];
          environment = { GREETING = "hello 'world'"; };
          workingDirectory = "/var/lib/owned";
          command = ''
            : >>/tmp/stop-order && chmod 666 /tmp/stop-order # every service appends to it
            trap 'echo owned >>/tmp/stop-order; exit 0' TERM
            echo started >/var/log/owned/owned.log
            sleep 1
            { id -un; id -gn; pwd; echo "$GREETING"; echo "$HOME $USER $LOGNAME"; } >facts
            while :; do sleep 1 & wait $!; done
          '';
          ready = { command = "test -e /var/lib/owned/facts"; };
          logs = [ "/var/log/owned" ];
        }
        {
          name = "tcp";
          user = "www-data";
          group = "svc"; # not www-data's own group: started through setpriv
          command = ''
            test -e /var/lib/owned/facts && echo command-was-ready >>/tmp/readiness
            echo $$ >/tmp/tcp.pid
            sleep 1
            exec busybox httpd -f -p 8080 -h /var/lib/owned
          '';
          ready = { tcp = 8080; };
          stop = { command = "echo tcp >>/tmp/stop-order; kill $(cat /tmp/tcp.pid)"; };
        }
        {
          name = "http";
          directories = [ "/srv/www" ];
          command = ''
            nc -z 127.0.0.1 8080 && echo tcp-was-ready >>/tmp/readiness
            sleep 1
            echo http-was-ready >/srv/www/health
            exec busybox httpd -f -p 8081 -h /srv/www
          '';
          ready = { http = "http://127.0.0.1:8081/health"; };
          stop = { signal = "INT"; };
        }
        {
          # ignores SIGTERM: killed after its stop timeout
          name = "stubborn";
          command = ''
            wget -q -O - http://127.0.0.1:8081/health >>/tmp/readiness
            trap 'echo stubborn >>/tmp/stop-order' TERM
            echo "stubborn is up"
            while :; do sleep 1; done
          '';
          stop = { timeout = 1; };
        }
        {
          # exits non-zero when stopped, which is not a failure
          name = "grumpy";
          command = "trap 'exit 7' TERM; while :; do sleep 1 & wait $!; done";
        }
      ];
    };
    machines.beta = {
      vlans = [ 2 ];
      modules = [ "vxlan" ]; # needs udp_tunnel and ip6_udp_tunnel (modules.dep)
    };
  };
}
