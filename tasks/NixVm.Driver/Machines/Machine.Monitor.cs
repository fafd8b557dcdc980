namespace NixVm.Driver.Machines;

public sealed partial class Machine
{
    /// <summary>Sends a command to QEMU's human monitor (HMP) and returns its reply (QEMU reports errors in the reply, they are not thrown).</summary>
    /// <exception cref="InvalidOperationException">The machine is not running.</exception>
    public async Task<string> SendMonitorCommandAsync(string command, CancellationToken ct = default)
    {
        var monitor = ConnectedBoot().Monitor;
        context.Log.Machine(Name, $"monitor: {command}");
        return await monitor.SendAsync(command, ct);
    }

    /// <summary>Writes to the guest's serial console (QEMU's stdin).</summary>
    /// <exception cref="InvalidOperationException">The machine is not running.</exception>
    public async Task SendConsoleAsync(string text, CancellationToken ct = default)
    {
        var process = boot?.Process ?? throw new InvalidOperationException($"machine '{Name}' is not running");
        await process.StandardInput.WriteAsync(text.AsMemory(), ct);
        await process.StandardInput.FlushAsync(ct);
    }

    /// <summary>Cuts the machine's link on a VLAN (default: its first), like pulling the cable; other VLANs and eth0 stay up.</summary>
    /// <param name="vlan">The VLAN; null for the machine's first.</param>
    /// <param name="ct">Cancels the request.</param>
    /// <exception cref="ArgumentException">The machine is not on <paramref name="vlan"/>.</exception>
    /// <exception cref="InvalidOperationException">The machine is not running, or is on no VLAN.</exception>
    /// <exception cref="MonitorCommandException">QEMU refused the change.</exception>
    public Task BlockAsync(int? vlan = null, CancellationToken ct = default) => SetLinkAsync(vlan, up: false, ct);

    /// <summary>Restores a link cut with <see cref="BlockAsync"/>.</summary>
    /// <param name="vlan">The VLAN; null for the machine's first.</param>
    /// <param name="ct">Cancels the request.</param>
    /// <exception cref="ArgumentException">The machine is not on <paramref name="vlan"/>.</exception>
    /// <exception cref="InvalidOperationException">The machine is not running, or is on no VLAN.</exception>
    /// <exception cref="MonitorCommandException">QEMU refused the change.</exception>
    public Task UnblockAsync(int? vlan = null, CancellationToken ct = default) => SetLinkAsync(vlan, up: true, ct);

    async Task SetLinkAsync(int? vlan, bool up, CancellationToken ct)
    {
        var qmp = ConnectedBoot().Qmp;
        var nic = vlan is { } v
            ? Manifest.Interfaces.FirstOrDefault(i => i.Vlan == v) ?? throw new ArgumentException($"machine '{Name}' is not on VLAN {v}", nameof(vlan))
            : Manifest.Interfaces.FirstOrDefault() ?? throw new InvalidOperationException($"machine '{Name}' is on no VLAN");
        context.Log.Machine(Name, $"{(up ? "unblocking" : "blocking")} VLAN {nic.Vlan} ({nic.Name})");
        await qmp.ExecuteAsync("set_link", new { name = nic.Netdev, up }, ct);
    }

    /// <summary>Forwards 127.0.0.1:<paramref name="hostPort"/> (0 = any free port) to a guest TCP port until the machine stops; returns the host port.</summary>
    /// <exception cref="InvalidOperationException">The machine is not running.</exception>
    /// <exception cref="MonitorCommandException">QEMU refused the forward (for example the host port is taken).</exception>
    public async Task<int> ForwardPortAsync(int guestPort, int hostPort = 0, CancellationToken ct = default)
    {
        if (hostPort == 0) hostPort = FreeTcpPort();
        var command = $"hostfwd_add user.0 tcp:127.0.0.1:{hostPort}-:{guestPort}";
        var reply = await SendMonitorCommandAsync(command, ct);
        if (reply.Length > 0) throw new MonitorCommandException(Name, command, reply);
        forwardedPorts[guestPort] = hostPort;
        return hostPort;
    }
}
