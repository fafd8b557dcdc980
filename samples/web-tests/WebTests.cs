using NixVm.Driver.Xunit;

[assembly: AssemblyFixture(typeof(NetworkFixture))]

namespace Web.Tests;

/// <summary>
/// The seed's two checks: the client fetches the page by host name with nixvm-web (so with
/// coverage on, both machines contribute to the merged report), the host through the forwarded port.
/// </summary>
public class WebTests(NetworkFixture network)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Client_fetches_the_page()
    {
        var page = await network["client"].SucceedAsync("nixvm-web get webserver /", ct: Ct);
        Assert.Contains("Hello from webserver", page);
    }

    [Fact]
    public async Task Host_fetches_the_page()
    {
        using var http = new HttpClient();
        var page = await http.GetStringAsync($"http://127.0.0.1:{network["webserver"].ForwardedPorts[80]}/", Ct);
        Assert.Contains("Hello from webserver", page);
    }
}
