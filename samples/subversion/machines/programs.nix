# Which Apache and Subversion the sample runs. By default Debian's, from the host (installed by
# scripts/bootstrap; guests share its /usr and /etc). With `builds` (from-source.nix: httpd and
# Subversion built from Debian's sources with coverage), those: httpd with a configuration of its
# own around the same site (svn.conf), and svn, svnadmin and svnlook first on both machines' PATH
# (/usr/local/bin), so the sample's tests and hook run the instrumented programs.
{ builds }:
let
  site = { source = ./svn.conf; };
in
if builds == null then {
  hostFiles = {
    webserver = [ "/usr/sbin/apache2" "/usr/lib/apache2/modules/mod_dav_svn.so" "/usr/bin/svnadmin" "/usr/bin/svnlook" ];
    client = [ "/usr/bin/svn" ];
  };
  apache = "apache2 -DFOREGROUND";
  apacheLimits = { };
  masks = [ "/etc/apache2/sites-enabled/000-default.conf" ];   # the sample's site is the only one
  webserverFiles = { "/etc/apache2/sites-enabled/svn.conf" = site; };
  clientFiles = { };
} else
let
  inherit (builds) httpd subversion;
  svnOnPath = builtins.listToAttrs (map (p: {
    name = "/usr/local/bin/${p}";
    value = { text = "#!/bin/sh\nexec ${subversion}/bin/${p} \"$@\"\n"; mode = "0755"; };
  }) [ "svn" "svnadmin" "svnlook" ]);
in {
  hostFiles = { webserver = [ ]; client = [ ]; };
  apache = "${httpd}/bin/httpd -f /etc/svn-sample/httpd.conf -DFOREGROUND";
  # Instrumented programs write their counters when they exit, into the 9p share: svnadmin's ~300
  # objects before httpd starts, httpd's and Subversion's ~600 in each of its processes when it
  # stops. Under TCG on a loaded host that takes longer than the defaults (ready 30 s, stop 10 s),
  # and SIGKILL would lose them. (The whole boot must stay within the driver's 2 minutes.)
  apacheLimits = { readyTimeout = 100; stop.timeout = 120; };
  masks = [ ];
  # httpd's own layout (ServerRoot = its store path); the paths the service's environment names
  # are those of Debian's envvars, as for Debian's Apache.
  webserverFiles = svnOnPath // {
    "/etc/svn-sample/svn.conf" = site;
    "/etc/svn-sample/httpd.conf" = ''
      ServerRoot ${httpd}
      Listen 80
      User www-data
      Group www-data
      PidFile ''${APACHE_PID_FILE}
      DefaultRuntimeDir ''${APACHE_RUN_DIR}
      Mutex file:''${APACHE_LOCK_DIR} default
      ErrorLog ''${APACHE_LOG_DIR}/error.log
      LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"" combined
      TypesConfig conf/mime.types
      LoadModule dav_svn_module ${subversion}/lib/apache2/modules/mod_dav_svn.so
      Include /etc/svn-sample/svn.conf
    '';
  };
  clientFiles = svnOnPath;
}
