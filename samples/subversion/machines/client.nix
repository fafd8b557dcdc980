# The client: the host's `svn` (shared /usr) and svnwatch to wait for a commit in the web server's feed.
{ nixvm, ... }:
let svnwatch = import ../svnwatch.nix { inherit nixvm; }; in
import ../host-programs.nix "client" [ "/usr/bin/svn" ] {
  vlans = [ 1 ];
  files = svnwatch.onPath;
}
