# Debian's own apache2 (from the host's /usr, not instrumented) with one instrumented module,
# mod_nixvm_hello (apache-module/: built by Debian's apxs inside nixvm.lib.instrumentedBuild).
# ApacheModuleTests starts Apache itself (`apache2 -k start`, a daemon, no service): only the
# module mapped into its processes tells the coverage collector to stop them.
{ nixvm ? import ../../nix { } }:
rec {
  module = nixvm.lib.instrumentedBuild { name = "mod_nixvm_hello"; src = ./apache-module; buildSystem = "make"; };
  vms = nixvm.buildVms {
    name = "apache-module";
    machines.web.files."/etc/apache-module/apache2.conf" = ''
      Listen 80
      ServerName web
      User www-data
      Group www-data
      DefaultRuntimeDir /run/apache-module
      PidFile /run/apache-module/apache2.pid
      ErrorLog /run/apache-module/error.log
      LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
      LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
      LoadModule nixvm_hello_module ${module}/lib/apache2/modules/mod_nixvm_hello.so
      <Location /hello>
        SetHandler nixvm-hello
      </Location>
    '';
  };
}
