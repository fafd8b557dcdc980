# The client: the host's `svn` (shared /usr) and svnwatch to wait for a commit in the web server's feed.
{ nixvm, ... }:
let svnwatch = import ../svnwatch.nix { inherit nixvm; }; in
{
  vlans = [ 1 ];
  files = svnwatch.onPath;
}
