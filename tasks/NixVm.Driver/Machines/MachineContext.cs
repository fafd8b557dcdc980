using NixVm.Driver.Logging;
using NixVm.Driver.Machines.Snapshots;

namespace NixVm.Driver.Machines;

/// <summary>What a machine needs from the network that owns it.</summary>
sealed record MachineContext(
    NetworkLog Log,
    string StateRoot,
    string SharedDirectory,
    string Accelerator,
    IReadOnlyDictionary<int, string> VlanSockets,
    NetworkOptions Options,
    SnapshotCache? Snapshots);
