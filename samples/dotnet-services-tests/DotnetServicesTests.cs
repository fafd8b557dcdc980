using System.Net.Http.Json;
using NixVm.Driver.Xunit;

[assembly: AssemblyFixture(typeof(NetworkFixture))]

namespace DotnetServices.Tests;

/// <summary>The API on `server` and the worker on `worker` talk across the VLAN; the tests watch from a machine and from the host.</summary>
public class DotnetServicesTests(NetworkFixture network)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed record Message(string From, string Text);

    [Fact]
    public async Task The_worker_posts_to_the_api_by_host_name()
    {
        // From the worker's machine, by the API machine's host name (the worker ticks every second).
        var board = await network["worker"].WaitUntilSucceedsAsync("wget -qO- http://server:5000/messages | grep -q '\"from\":\"worker\"' && wget -qO- http://server:5000/messages", ct: Ct);
        Assert.Contains("\"text\":\"tick ", board);
    }

    [Fact]
    public async Task The_host_reads_the_board_through_the_forwarded_port()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{network["server"].ForwardedPorts[5000]}/") };
        await network["worker"].WaitUntilSucceedsAsync("wget -qO- http://server:5000/messages | grep -q worker", ct: Ct);
        var messages = await http.GetFromJsonAsync<Message[]>("messages", Ct);
        Assert.Contains(messages!, m => m.From == "worker" && m.Text.StartsWith("tick "));

        var posted = await http.PostAsJsonAsync("messages", new Message("host", "hello"), Ct);
        posted.EnsureSuccessStatusCode();
        Assert.Contains("hello", await network["worker"].SucceedAsync("wget -qO- http://server:5000/messages", ct: Ct));
    }

    [Fact]
    public async Task The_worker_keeps_ticking_after_losing_its_link()
    {
        const string workerTicks = "wget -qO- http://127.0.0.1:5000/messages | grep -o '\"from\":\"worker\"' | wc -l";
        await network["worker"].BlockAsync(ct: Ct);
        await network["worker"].FailAsync("timeout 3 wget -qO- http://server:5000/health", ct: Ct);
        // Its own log (stdout, /tmp/xchg/services/worker.log in the guest) shows the failed ticks.
        await network["worker"].WaitUntilSucceedsAsync("grep -q '^warn' /tmp/xchg/services/worker.log", ct: Ct);
        var before = int.Parse((await network["server"].SucceedAsync(workerTicks, ct: Ct)).Trim());
        await network["worker"].UnblockAsync(ct: Ct);
        await network["server"].WaitUntilSucceedsAsync($"[ $({workerTicks}) -gt {before} ]", ct: Ct);
    }
}
