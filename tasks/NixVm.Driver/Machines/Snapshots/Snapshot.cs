namespace NixVm.Driver.Machines.Snapshots;

/// <summary>
/// A saved machine: <see cref="State"/> is QEMU's migration stream, <see cref="Console"/> what the
/// guest printed on its serial console up to the go-ahead point. The console is part of the
/// guest's past like its kernel log: a restored machine's console starts with it, so a test that
/// waits for a boot message finds it as on a booted machine.
/// </summary>
sealed record Snapshot(string State, IReadOnlyList<string> Console);
