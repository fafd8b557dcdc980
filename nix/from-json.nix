# Builds the network a .csproj declares (NixVmTasks writes the JSON from its VirtualMachine and
# PortForward items):  nix-build nix/from-json.nix --argstr declaration obj/Debug/nixvm/network.json
# A machine's `nixFile` is a plain machine declaration (the same attribute set as in a
# buildVms call), so the same files serve `dotnet build` and a hand-written Nix network.
# Item metadata (memory, cores, VLANs) overrides the file; services and forwards are appended.
{ declaration, nixvm ? import ./. { } }:
let
  decl = builtins.fromJSON (builtins.readFile declaration);
  machine = name: m:
    let
      base = if m ? nixFile then import m.nixFile else { };
      pick = attr: if m ? ${attr} then { ${attr} = m.${attr}; } else { };
    in
    base // pick "memoryMB" // pick "cores" // pick "vlans" // {
      services = (base.services or [ ]) ++ m.services;
      forwards = (base.forwards or [ ]) ++ m.forwards;
    };
in
nixvm.buildVms { inherit (decl) name; machines = builtins.mapAttrs machine decl.machines; }
