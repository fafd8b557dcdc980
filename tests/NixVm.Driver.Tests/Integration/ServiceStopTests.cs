using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Integration;

/// <summary>Stopping services: reverse order, stop command or signal, SIGKILL after the timeout, logs copied out.</summary>
public class ServiceStopTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Services_stop_in_reverse_order_and_their_logs_are_copied()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.Case("services"), "services-stop");
        var alpha = network["alpha"];
        var logs = network.Options.LogDirectory!;

        await network.StopServicesAsync(Ct);

        // stubborn ignored SIGTERM (it logged it) and was killed after its 1 s timeout; tcp ran its
        // stop command; http (SIGINT) and grumpy write nothing.
        Assert.Equal("stubborn\ntcp\nowned\n", await alpha.SucceedAsync("cat /tmp/stop-order", ct: Ct));
        await alpha.FailAsync("ps -eo args= | grep -E '[.]nixvm/services/.*[.]run|[b]usybox httpd'", ct: Ct);
        Assert.Contains("alpha: services: stubborn: killed (SIGKILL after 1 s)", await File.ReadAllTextAsync(Path.Combine(logs, "driver.log"), Ct));

        // grumpy exited with status 7 when stopped: not a failure, the machine is still up.
        await alpha.SucceedAsync("true", ct: Ct);
        Assert.DoesNotContain(Contract.Guest.FatalMarker, alpha.ConsoleText);

        Assert.StartsWith("stubborn is up\n", await File.ReadAllTextAsync(Path.Combine(logs, "alpha.stubborn.log"), Ct));
        Assert.True(File.Exists(Path.Combine(logs, "alpha.grumpy.log")));
        Assert.Equal("started\n", await File.ReadAllTextAsync(Path.Combine(logs, "alpha", "var", "log", "owned", "owned.log"), Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Shutting_a_machine_down_stops_its_services_first()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.Case("services"), "services-shutdown");
        await network["alpha"].ShutdownAsync(Ct);
        var logs = network.Options.LogDirectory!;
        Assert.Equal("started\n", await File.ReadAllTextAsync(Path.Combine(logs, "alpha", "var", "log", "owned", "owned.log"), Ct));
        Assert.Contains("alpha: services: owned: stopped", await File.ReadAllTextAsync(Path.Combine(logs, "driver.log"), Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Rebooting_a_machine_stops_its_services_first_and_boots_it_fresh()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.Case("services"), "services-reboot");
        var alpha = network["alpha"];
        await alpha.SucceedAsync("touch /tmp/marker", ct: Ct);
        await alpha.RebootAsync(Ct);
        var logs = network.Options.LogDirectory!;
        Assert.Contains("alpha: services: owned: stopped", await File.ReadAllTextAsync(Path.Combine(logs, "driver.log"), Ct));
        Assert.Equal("started\n", await File.ReadAllTextAsync(Path.Combine(logs, "alpha", "var", "log", "owned", "owned.log"), Ct));
        // Up again, as after a boot: a fresh root file system, and the services ran (the last one is ready).
        Assert.True(alpha.IsRunning);
        await alpha.FailAsync("test -e /tmp/marker", ct: Ct);
        await alpha.SucceedAsync("test -e /var/lib/owned/facts", ct: Ct);
    }

    [Fact(Timeout = 600_000)]
    public async Task Disposing_the_network_stops_the_services_and_copies_their_logs()
    {
        string logs;
        await using (var network = await TestNetwork.StartAsync(TestNetwork.Case("services"), "services-dispose"))
            logs = network.Options.LogDirectory!;
        Assert.Equal("started\n", await File.ReadAllTextAsync(Path.Combine(logs, "alpha", "var", "log", "owned", "owned.log"), Ct));
        Assert.Contains("alpha: services: owned: stopped", await File.ReadAllTextAsync(Path.Combine(logs, "driver.log"), Ct));
    }
}
