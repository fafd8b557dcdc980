# Declarations with one mistake each, at known lines: DeclarationErrorTests checks that the error
# names this file and the line of the offending attribute (keep the line numbers in step).
{ nixvm ? import ../../nix { } }:
{
  badVlan = nixvm.buildVms {
    name = "errors";
    machines.a = {
      vlans = [ 0 ];
    };
  };
  badService = nixvm.buildVms {
    name = "errors";
    machines.a.services = [ {
      name = "web"; command = "true";
      readyTimeout = 0;
    } ];
  };
  unnamedService = nixvm.buildVms {
    name = "errors";
    machines.b.services = [ { command = "true"; } ];
  };
  badFileMode = nixvm.buildVms {
    name = "errors";
    machines.a.files."/srv/x" = {
      text = "x";
      mode = "999";
    };
  };
  badMachineName = nixvm.buildVms {
    name = "errors"; machines.B = { };
  };
  badStopSignal = nixvm.buildVms {
    name = "errors";
    machines.a.services = [ {
      name = "web"; command = "true";
      stop.signal = "TEM";
    } ];
  };
  badMask = nixvm.buildVms {
    name = "errors";
    machines.a.masks = [ "/srv/x" ];
  };
}
