# The seed's instrumented Apache and Subversion, from Debian's source packages: httpd (Debian's
# apache2 source) and Subversion built with coverage by nixvm.lib.instrumentedBuild.
#   scripts/bootstrap --seed-sample    # the sources (apt-get source) and the -dev packages below
# Only what the sample runs is built: httpd's core with the modules the site needs (static; mod_so
# loads mod_dav_svn), Subversion's libraries, programs and mod_dav_svn; no bindings, no svnserve
# SASL, lz4 and utf8proc from Subversion's own copies. The libraries both link against come from
# the host's Debian -dev packages (guests share the host's /usr).
{ nixvm }:
let
  inherit (builtins) pathExists filter concatStringsSep;
  sources = nixvm.lib.cacheDir + "/sources";
  # What the builds need from the host: Debian package -> a file it installs.
  hostFiles = {
    apache2-dev = "/usr/bin/apxs";               # brings libapr1-dev, libaprutil1-dev, libpcre2-dev
    libpcre2-dev = "/usr/bin/pcre2-config";
    libserf-dev = "/usr/include/serf-1/serf.h";  # svn's http:// access (ra_serf)
    libsqlite3-dev = "/usr/include/sqlite3.h";
    zlib1g-dev = "/usr/include/zlib.h";
  };
  missingPackages = filter (p: !(pathExists hostFiles.${p})) (builtins.attrNames hostFiles);
  missingSources = filter (s: !(pathExists "${sources}/${s}/configure")) [ "apache2" "subversion" ];
  missing = map (p: "the package ${p}") missingPackages ++ map (s: "Debian's ${s} source in ${sources}/${s}") missingSources;
  check = x:
    if missing == [ ] then x
    else throw "samples/subversion (from Debian's sources): missing ${concatStringsSep ", " missing}: run scripts/bootstrap --seed-sample [NIXVM066]";
  source = name: /. + "${sources}/${name}";
in
check rec {
  httpd = nixvm.lib.instrumentedBuild {
    name = "httpd";
    src = source "apache2";
    buildSystem = "autotools";   # the tree has a CMakeLists.txt too (for Windows)
    configureFlags = [
      "--with-apr=/usr/bin/apr-1-config" "--with-apr-util=/usr/bin/apu-1-config" "--with-pcre=/usr/bin/pcre2-config"
      "--with-mpm=event" "--enable-so" "--enable-modules=none"
      "--enable-unixd=static" "--enable-log-config=static" "--enable-mime=static" "--enable-dir=static" "--enable-alias=static"
      "--enable-authn-core=static" "--enable-authn-file=static" "--enable-auth-basic=static"
      "--enable-authz-core=static" "--enable-authz-user=static" "--enable-authz-host=static"
      "--enable-dav=static"
      # Debian's reproducible-builds patch expects the build's date from debian/rules.
      "CPPFLAGS=-DBUILD_DATETIME=__DATE__"
    ];
  };
  subversion = nixvm.lib.instrumentedBuild {
    name = "subversion";
    src = source "subversion";
    buildSystem = "autotools";
    configureFlags = [
      "--with-apr=/usr/bin/apr-1-config" "--with-apr-util=/usr/bin/apu-1-config"
      "--with-apxs=${httpd}/bin/apxs" "--disable-mod-activation"
      "--with-serf" "--with-lz4=internal" "--with-utf8proc=internal"
      "--disable-static" "--disable-nls" "--without-berkeley-db" "--without-sasl" "--without-gpg-agent"
      "--without-gnome-keyring" "--without-kwallet" "--without-libmagic" "--without-swig" "--without-doxygen"
      "--disable-javahl"
    ];
    # mod_dav_svn goes into this output, not into httpd's (read-only) module directory.
    makeFlags = [ "APACHE_LIBEXECDIR=$(prefix)/lib/apache2/modules" ];
  };
}
