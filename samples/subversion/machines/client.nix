# The client: svn (Debian's from the host, or built from Debian's sources: programs.nix) and
# svnwatch to wait for a commit in the web server's feed.
{ nixvm, builds ? null, ... }:
let
  svnwatch = import ../svnwatch.nix { inherit nixvm; };
  programs = import ./programs.nix { inherit builds; };
in
import ../host-programs.nix "client" programs.hostFiles.client {
  vlans = [ 1 ];
  files = svnwatch.onPath // programs.clientFiles;
}
