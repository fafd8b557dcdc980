namespace NixVm.Driver.Machines;

public sealed partial class Machine
{
    static readonly TimeSpan PowerOffGrace = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Powers the guest off cleanly (its services stopped as by <see cref="StopServicesAsync"/>, then
    /// <c>poweroff</c> in its shell) and waits for QEMU to exit (killing it after 60 s). Does nothing
    /// when the machine is not running.
    /// </summary>
    /// <exception cref="NixVmException">The machine failed to become ready, or stopping its services failed.</exception>
    public async Task ShutdownAsync(CancellationToken ct = default)
    {
        if (!IsRunning) return;
        await WaitForReadyAsync(ct);
        await StopServicesAsync(ct);
        var current = ConnectedBoot();
        await current.Shell.SendRawAsync("poweroff\n", ct);
        await WaitForExitOrKillAsync(current, ct);
    }

    /// <summary>Simulates a power failure: QEMU quits at once (QMP <c>quit</c>); services are not stopped. Does nothing when the machine is not running.</summary>
    /// <exception cref="MonitorCommandException">QEMU refused to quit.</exception>
    public async Task CrashAsync(CancellationToken ct = default)
    {
        if (!IsRunning) return;
        var current = ConnectedBoot();
        context.Log.Machine(Name, "crashing (QMP quit)");
        try { await current.Qmp.ExecuteAsync("quit", null, ct); }
        catch (EndOfStreamException) { /* QEMU may close the socket before it answers */ }
        await WaitForExitOrKillAsync(current, ct);
    }

    /// <summary>Reboots the guest: its services stop, it powers off (QEMU runs with -no-reboot), then the machine starts again and is waited for.</summary>
    /// <exception cref="MachineFailedException">The machine did not become ready, before or after the reboot.</exception>
    /// <exception cref="NixVmException">Stopping its services failed.</exception>
    public async Task RebootAsync(CancellationToken ct = default)
    {
        await WaitForReadyAsync(ct);
        await StopServicesAsync(ct);
        var current = ConnectedBoot();
        await current.Shell.SendRawAsync("reboot\n", ct);
        await WaitForExitOrKillAsync(current, ct);
        await StartAsync(ct);
        await WaitForReadyAsync(ct);
    }

    async Task WaitForExitOrKillAsync(MachineBoot current, CancellationToken ct)
    {
        try { await current.Process.WaitForExitAsync(ct).WaitAsync(PowerOffGrace, ct); }
        catch (TimeoutException) { context.Log.Machine(Name, $"did not power off within {PowerOffGrace.TotalSeconds} s; killing QEMU"); }
        context.Log.Machine(Name, "stopped");
        await StopBootAsync();
    }
}
