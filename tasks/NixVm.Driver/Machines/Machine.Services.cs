namespace NixVm.Driver.Machines;

public sealed partial class Machine
{
    const string StopServicesCommand = "[ ! -x /.nixvm/bin/nixvm-stop-services ] || /.nixvm/bin/nixvm-stop-services";

    /// <summary>What the guest's stop script said at the latest stop of the services, a line per service (nix/guest/stop-services.sh).</summary>
    internal IReadOnlyList<string> ServiceStopLines { get; private set; } = [];

    /// <summary>
    /// Stops the guest's services in the reverse order of their start (each with its stop command
    /// or signal, SIGKILL after its stop timeout) and copies their logs into the log directory:
    /// <c>&lt;machine&gt;.&lt;service&gt;.log</c> (stdout and stderr) and <c>&lt;machine&gt;/&lt;path&gt;</c>
    /// for each path a service lists in <c>logs</c>. The machine keeps running. A machine that is
    /// not running, or still booting, only gets its service logs copied (this never waits for a
    /// boot); a second call does nothing until the next boot.
    /// </summary>
    /// <exception cref="CommandFailedException">The guest's stop script failed.</exception>
    /// <exception cref="MachineFailedException">The machine failed while its services stopped.</exception>
    public async Task StopServicesAsync(CancellationToken ct = default)
    {
        if (boot is { Ready: true, ServicesStopped: false, IsRunning: true } current)
        {
            current.ServicesStopped = true;
            // Guests without our init (nixos backend) have no such script; the script always ends on its own.
            var said = await SucceedAsync(StopServicesCommand, ct: ct);
            ServiceStopLines = said.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var line in ServiceStopLines)
                context.Log.Machine(Name, "services: " + line);
        }
        CopyServiceLogs();
    }

    /// <summary>Copies what the services logged so far (a no-op without a log directory); never throws.</summary>
    void CopyServiceLogs()
    {
        if (context.Options.LogDirectory is not { } logs) return;
        try { ServiceLogs.Copy(Name, ExchangeDirectory, logs); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Log.Machine(Name, $"could not copy the service logs: {e.Message}");
        }
    }
}
