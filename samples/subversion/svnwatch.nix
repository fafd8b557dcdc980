# svnwatch (src/svnwatch.c) built with --coverage, and a wrapper that puts it on a guest's PATH
# (the program itself stays at its store path: its .gcda path is compiled in).
{ nixvm }:
rec {
  program = nixvm.lib.instrumentedProgram { name = "svnwatch"; src = ./src; };
  onPath."/usr/local/bin/svnwatch" = { text = "#!/bin/sh\nexec ${program}/bin/svnwatch \"$@\"\n"; mode = "0755"; };
}
