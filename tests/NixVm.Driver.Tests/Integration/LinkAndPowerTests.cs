using NixVm.Driver.Machines;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

public class LinkAndPowerTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    // busybox wget's -T does not bound connect(), which hangs while ARP fails; timeout(1) does.
    const string Fetch = "timeout 5 wget -qO- http://webserver/";

    [Fact(Timeout = 600_000)]
    public async Task Block_cuts_the_clients_reach_and_unblock_restores_it()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "block-unblock");
        var client = network["client"];
        await client.SucceedAsync(Fetch, ct: Ct);

        await client.BlockAsync(ct: Ct);
        var blocked = await client.ExecuteAsync(Fetch, ct: Ct);
        Assert.NotEqual(0, blocked.ExitCode);
        // eth0 (the host's forward) is untouched by a VLAN block.
        using var http = new HttpClient();
        Assert.Contains("Hello from webserver", await http.GetStringAsync($"http://127.0.0.1:{network["webserver"].ForwardedPorts[80]}/", Ct));

        await client.UnblockAsync(ct: Ct);
        Assert.Contains("Hello from webserver", await client.WaitUntilSucceedsAsync(Fetch, TimeSpan.FromSeconds(60), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => client.BlockAsync(vlan: 9, ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task A_crashed_machine_is_unreachable_and_starts_again()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "crash-restart");
        var server = network["webserver"];
        var client = network["client"];

        await server.CrashAsync(Ct);
        Assert.False(server.IsRunning);
        Assert.NotEqual(0, (await client.ExecuteAsync(Fetch, ct: Ct)).ExitCode);

        await server.StartAsync(Ct);
        await server.WaitForReadyAsync(Ct);
        Assert.Contains("Hello from webserver", await client.WaitUntilSucceedsAsync(Fetch, TimeSpan.FromSeconds(60), Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Shutdown_powers_off_and_commands_start_the_machine_again()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "shutdown");
        var client = network["client"];
        await client.SucceedAsync("touch /tmp/marker", ct: Ct);
        await client.ShutdownAsync(Ct);
        Assert.False(client.IsRunning);
        // Like the nixpkgs driver, a command on a stopped machine boots it (fresh tmpfs: the marker is gone).
        await client.FailAsync("test -e /tmp/marker", ct: Ct);
    }

    [Fact(Timeout = 600_000)]
    public async Task A_port_can_be_forwarded_at_run_time()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "forward-port");
        var port = await network["webserver"].ForwardPortAsync(80, ct: Ct);
        using var http = new HttpClient();
        Assert.Contains("Hello from webserver", await http.GetStringAsync($"http://127.0.0.1:{port}/", Ct));

        // QEMU refuses a host port that is taken; the refusal names the machine and the monitor command.
        var e = await Assert.ThrowsAsync<MonitorCommandException>(() => network["webserver"].ForwardPortAsync(80, port, Ct));
        Assert.Equal("webserver", e.Machine);
        Assert.Contains($"127.0.0.1:{port}", e.Command);
    }
}
