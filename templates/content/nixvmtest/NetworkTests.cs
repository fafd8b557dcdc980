using NixVm.Driver.Xunit;
using Xunit;

// One network for the whole test assembly: booted before the first test, stopped after the last.
// A class that needs a network nobody else touches declares IClassFixture<NetworkFixture> instead
// (a fresh network per class; see the README of NixVmTasks: "a fresh one per class, or per test").
[assembly: AssemblyFixture(typeof(NetworkFixture))]
// The tests share that network and some change it (a cut link), so they run one at a time:
// in parallel, another class's request would fail while this class has the client's cable pulled.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace Company.VmTests;

public class NetworkTests(NetworkFixture network)
{
    const string Fetch = "timeout 10 wget -qO- http://server:8080/";

    [Fact]
    public async Task The_server_is_reachable_from_the_client()
    {
        var page = await network["client"].SucceedAsync(Fetch, ct: TestContext.Current.CancellationToken);

        Assert.Equal("Hello from the server\n", page);
    }

    [Fact]
    public async Task The_service_survives_the_client_losing_its_link()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = network["client"];

        await client.BlockAsync(ct: ct);
        await client.FailAsync(Fetch, ct: ct);
        await client.UnblockAsync(ct: ct);

        var page = await client.WaitUntilSucceedsAsync(Fetch, TimeSpan.FromSeconds(60), ct);
        Assert.Equal("Hello from the server\n", page);
    }
}
