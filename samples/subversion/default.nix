# The 2009 seed's showcase (tests/subversion.nix): a web server running Apache with mod_dav_svn
# and a client running svn, on one VLAN.
#   scripts/bootstrap                       # installs apache2, libapache2-mod-svn and subversion
#   nix-build samples/subversion -A vms && ./result/bin/run-vms
# The repository is at http://webserver/repos/ in the network and http://127.0.0.1:8081/repos/ on
# the host. Both machines run svnwatch (src/svnwatch.c, built with --coverage): the web server
# records commits with it, the client waits for them, so the merged coverage report shows both.
# With `--arg fromSource true` the machines run httpd and Subversion built from Debian's sources
# with coverage instead of Debian's packages, as the seed did (from-source.nix; needs
# scripts/bootstrap --seed-sample), and the report covers them too.
{ nixvm ? import ../../nix { }, fromSource ? false }:
let
  builds = import ./from-source.nix { inherit nixvm; };
  machine = file: import file { inherit nixvm; builds = if fromSource then builds else null; };
in
{
  svnwatch = (import ./svnwatch.nix { inherit nixvm; }).program;
  inherit (builds) httpd subversion;
  vms = nixvm.buildVms {
    name = if fromSource then "subversion-from-source" else "subversion";
    machines = {
      webserver = machine ./machines/webserver.nix;
      client = machine ./machines/client.nix;
    };
  };
}
