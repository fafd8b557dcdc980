# How coverage used to get lost in a guest, one case per copy of coverage-tiny.c (CoverageLossTests):
# each copy is its own store path, so its .gcda is its own. Machine `box` runs them all:
#   tiny-hook    as a Subversion hook runs: www-data, empty environment (env -i)
#   tiny-cgi     as Apache runs a CGI: www-data, a scrubbed environment
#   tiny-user    as an unprivileged user (nobody), with the shell's environment
#   tiny-shared  first as root, then as www-data: both runs must count
#   tiny-denied  as nobody into a directory root made read-only: lost, and reported (NIXVM064)
#   tiny-idle    declared, never run: reported (NIXVM065)
#   tiny-stubborn  a service whose stop does not end it in time (a stop command that outlasts its
#                timeout): killed, its counters lost, and reported (NIXVM064)
#   coverage-plain  built against the rule (plain --coverage, no runtime): as a service it cannot
#                write into the read-only store and says so on stderr, in its service log (NIXVM064)
#   plain-console   the same, run by a test with its stderr on the serial console: libgcov's error
#                is nowhere but on the console (NIXVM064)
{ nixvm ? import ../../nix { } }:
let
  tiny = name: nixvm.lib.instrumentedProgram { inherit name; src = ./coverage-tiny.c; };
  names = [ "tiny-hook" "tiny-cgi" "tiny-user" "tiny-shared" "tiny-denied" "tiny-idle" ];
  wrapper = name: {
    name = "/usr/local/bin/${name}";
    value = { text = "#!/bin/sh\nexec ${tiny name}/bin/${name} \"$@\"\n"; mode = "0755"; };
  };
  plainProgram = name: import ./plain-program.nix { inherit name; src = ./coverage-tiny.c; flags = "--coverage -O0"; };
  plain = plainProgram "coverage-plain";
  plainConsole = plainProgram "coverage-plain-console";
in
{
  vms = nixvm.buildVms {
    name = "coverage-loss";
    machines.box = {
      files = builtins.listToAttrs (map wrapper names) // {
        "/usr/local/bin/plain-console" = { text = "#!/bin/sh\nexec ${plainConsole}/bin/coverage-plain-console \"$@\"\n"; mode = "0755"; };
      };
      services = [
        { name = "plain"; command = "${plain}/bin/coverage-plain serve"; }
        { name = "stubborn"; command = "${tiny "tiny-stubborn"}/bin/tiny-stubborn serve"; stop = { command = "sleep 5"; timeout = 1; }; }
      ];
    };
  };
}
