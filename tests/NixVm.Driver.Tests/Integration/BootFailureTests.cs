using NixVm.Driver.Machines;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

public class BootFailureTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_failing_service_is_reported_at_once_with_its_reason()
    {
        await using var network = await TestNetwork.CreateAsync(TestNetwork.Case("failing-service"), "failing-service");
        var e = await Assert.ThrowsAsync<MachineFailedException>(() => network.StartAllAsync(Ct));
        Assert.Equal("broken", e.Machine);
        // The service's own exit is the reason, not "did not … within" the boot timeout: reported at once.
        Assert.Contains("service 'doomed' exited with status 3", e.Reason);
        // The end of its log: its last 20 lines (of 26).
        var last20 = string.Join("", Enumerable.Range(7, 19).Select(i => $"line {i}\n")) + "about to fail";
        Assert.Contains("last lines of doomed.log:\n" + last20, e.Reason);
        Assert.DoesNotContain("line 6\n", e.Reason);
        Assert.Contains("nixvm: service doomed exited with status 3; the last lines of /tmp/xchg/services/doomed.log:\n" + last20, network["broken"].ConsoleText);
        Assert.Equal(string.Join("", Enumerable.Range(1, 6).Select(i => $"line {i}\n")) + last20 + "\n",
            await File.ReadAllTextAsync(Path.Combine(network.Options.LogDirectory!, "broken.doomed.log"), Ct));
        Assert.Equal("why\n", await File.ReadAllTextAsync(Path.Combine(network.Options.LogDirectory!, "broken", "tmp", "doomed-notes"), Ct));
        Assert.False(network["broken"].IsRunning);
        var again = await Assert.ThrowsAsync<MachineFailedException>(() => network["broken"].ExecuteAsync("true", ct: Ct));
        Assert.Contains("it failed earlier (StartAsync boots it again): " + e.Reason, again.Reason);
        Assert.False(network["broken"].IsRunning);   // nothing booted it again unasked
    }

    [Fact(Timeout = 600_000)]
    public async Task A_service_that_never_gets_ready_is_reported_with_its_reason()
    {
        await using var network = await TestNetwork.CreateAsync(TestNetwork.Case("never-ready"), "never-ready");
        var e = await Assert.ThrowsAsync<MachineFailedException>(() => network.StartAllAsync(Ct));
        Assert.Contains("service 'sleepy' not ready after 2 s", e.Reason);
        Assert.Contains("last lines of sleepy.log:\nwaiting for a port nobody opens", e.Reason);
    }
}
