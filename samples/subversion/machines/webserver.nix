# The web server: Debian's Apache with mod_dav_svn (installed on the host by scripts/bootstrap,
# shared through /usr and /etc) serving a repository created at boot, and svnwatch recording
# each commit that the repository's post-commit hook hands it.
{ nixvm, ... }:
let svnwatch = import ../svnwatch.nix { inherit nixvm; }; in
{
  vlans = [ 1 ];
  # Apache runs as www-data from the start (no root parent): let it bind port 80.
  kernelParams = [ "sysctl.net.ipv4.ip_unprivileged_port_start=80" ];
  services = [
    {
      name = "svnwatch";
      command = "mkdir -p /run/svnwatch /var/lib/svnwatch && exec svnwatch serve /run/svnwatch/commits /var/lib/svnwatch/feed www-data";
      ready = "test -p /run/svnwatch/commits";
    }
    {
      name = "httpd";
      # What Debian's /etc/apache2/envvars sets, with /run instead of /var/run (the guest's /var is empty).
      command = ''
        set -e
        export APACHE_RUN_USER=www-data APACHE_RUN_GROUP=www-data APACHE_RUN_DIR=/run/apache2 \
          APACHE_PID_FILE=/run/apache2/apache2.pid APACHE_LOCK_DIR=/var/lock/apache2 APACHE_LOG_DIR=/var/log/apache2 LANG=C
        mkdir -p $APACHE_RUN_DIR $APACHE_LOCK_DIR $APACHE_LOG_DIR /var/lib/svn
        chown www-data:www-data $APACHE_RUN_DIR $APACHE_LOCK_DIR $APACHE_LOG_DIR /var/lib/svn
        as_www() { /usr/bin/setpriv --reuid=www-data --regid=www-data --init-groups "$@"; }
        as_www svnadmin create /var/lib/svn/repos
        as_www ln -s /etc/svnwatch/post-commit /var/lib/svn/repos/hooks/post-commit
        exec /usr/bin/setpriv --reuid=www-data --regid=www-data --init-groups apache2 -DFOREGROUND
      '';
      ready = "wget -qO /dev/null http://127.0.0.1/repos/";
    }
  ];
  files = svnwatch.onPath // {
    "/etc/apache2/sites-enabled/000-default.conf" = { source = ./svn.conf; };
    "/etc/apache2/svn.htpasswd" = "alice:$apr1$nixvmsvn$5gWj0AF3rH2qcMP4aSZeM.\n";   # alice / secret
    "/etc/svnwatch/post-commit" = { source = ./post-commit; mode = "0755"; };
  };
  forwards = [ { host = 8081; guest = 80; } ];
}
