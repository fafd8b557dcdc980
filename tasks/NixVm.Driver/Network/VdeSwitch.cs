using NixVm.Driver.Processes;

namespace NixVm.Driver.Network;

/// <summary>One VLAN: a <c>vde_switch --hub</c> on a unix socket directory of mode 0700 (no root, no multicast).</summary>
sealed class VdeSwitch : IAsyncDisposable
{
    readonly ChildProcess process;

    VdeSwitch(int vlan, string socket, ChildProcess process)
    {
        Vlan = vlan;
        Socket = socket;
        this.process = process;
    }

    public int Vlan { get; }
    public string Socket { get; }

    public static async Task<VdeSwitch> StartAsync(int vlan, string stateRoot, CancellationToken ct)
    {
        var socket = Path.Combine(stateRoot, $"vde{vlan}.ctl");
        var exe = HostTools.Find("vde_switch", "install vde2 (" + HostTools.BootstrapHint + ")");
        // stdin stays an open pipe: vde_switch reads management commands from it.
        var process = await ChildProcess.StartAsync(exe, ["--sock", socket, "--dirmode", "0700", "--hub"]);
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);   // its prompts; never let the pipe fill
        var ctl = Path.Combine(socket, "ctl");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(ctl) && !Directory.Exists(ctl))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                var err = process.HasExited ? await process.StandardError.ReadToEndAsync(ct) : "no control socket after 10 s";
                await process.DisposeAsync();
                throw new NetworkSetupException($"vde_switch for VLAN {vlan} did not start: {err.Trim()}");
            }
            await Task.Delay(10, ct);
        }
        return new VdeSwitch(vlan, socket, process);
    }

    public async ValueTask DisposeAsync()
    {
        await process.DisposeAsync();
        if (Directory.Exists(Socket)) Directory.Delete(Socket, recursive: true);
    }
}
