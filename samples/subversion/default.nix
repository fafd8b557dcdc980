# The 2009 seed's showcase (tests/subversion.nix): a web server running Apache with mod_dav_svn
# and a client running svn, on one VLAN.
#   scripts/bootstrap                       # installs apache2, libapache2-mod-svn and subversion
#   nix-build samples/subversion -A vms && ./result/bin/run-vms
# The repository is at http://webserver/repos/ in the network and http://127.0.0.1:8081/repos/ on
# the host. Both machines run svnwatch (src/svnwatch.c, built with --coverage): the web server
# records commits with it, the client waits for them, so the merged coverage report shows both.
{ nixvm ? import ../../nix { } }:
{
  svnwatch = (import ./svnwatch.nix { inherit nixvm; }).program;
  vms = nixvm.buildVms {
    name = "subversion";
    machines = {
      webserver = import ./machines/webserver.nix { inherit nixvm; };
      client = import ./machines/client.nix { inherit nixvm; };
    };
  };
}
