# The web server: Apache with mod_dav_svn serving a repository created at boot, and svnwatch
# recording each commit that the repository's post-commit hook hands it. Apache and Subversion are
# Debian's from the host, or built from Debian's sources with coverage (programs.nix).
{ nixvm, builds ? null, ... }:
let
  svnwatch = import ../svnwatch.nix { inherit nixvm; };
  programs = import ./programs.nix { inherit builds; };
in
import ../host-programs.nix "webserver" programs.hostFiles.webserver {
  vlans = [ 1 ];
  # Apache runs as www-data from the start (no root parent to drop privileges): let it bind port 80.
  kernelParams = [ "sysctl.net.ipv4.ip_unprivileged_port_start=80" ];
  services = [
    {
      # Root, not www-data: it writes its coverage counters below /tmp/xchg when it stops.
      name = "svnwatch";
      command = "exec svnwatch serve /run/svnwatch/commits /var/lib/svnwatch/feed www-data";
      directories = [ "/run/svnwatch" "/var/lib/svnwatch" ];
      ready = "test -p /run/svnwatch/commits";
    }
    ({
      name = "httpd";
      user = "www-data";
      # What Debian's /etc/apache2/envvars sets (it cannot be sourced: it computes names at run time),
      # with /run for /var/run: the guest's /var is empty.
      environment = {
        APACHE_RUN_USER = "www-data"; APACHE_RUN_GROUP = "www-data";
        APACHE_RUN_DIR = "/run/apache2"; APACHE_PID_FILE = "/run/apache2/apache2.pid";
        APACHE_LOCK_DIR = "/var/lock/apache2"; APACHE_LOG_DIR = "/var/log/apache2"; LANG = "C";
      };
      directories = [ "/run/apache2" "/var/lock/apache2" "/var/log/apache2" "/var/lib/svn" ];   # owned by www-data
      # The repository is created at boot, with svnwatch's hook.
      command = ''
        svnadmin create /var/lib/svn/repos &&
          ln -s /etc/svnwatch/post-commit /var/lib/svn/repos/hooks/post-commit &&
          exec ${programs.apache}
      '';
      ready = { http = "http://127.0.0.1/repos/"; };
      logs = [ "/var/log/apache2" ];
    } // programs.apacheLimits)
  ];
  inherit (programs) masks;
  files = svnwatch.onPath // programs.webserverFiles // {
    "/etc/apache2/svn.htpasswd" = "alice:$apr1$nixvmsvn$5gWj0AF3rH2qcMP4aSZeM.\n";   # alice / secret
    "/etc/svnwatch/post-commit" = { source = ./post-commit; mode = "0755"; };
  };
  forwards = [ { host = 8081; guest = 80; } ];
}
