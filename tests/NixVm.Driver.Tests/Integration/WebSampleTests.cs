using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>The 2009 seed's example: a web server and a client on VLAN 1, the page also forwarded to the host.</summary>
public class WebSampleTests
{
    [Fact(Timeout = 600_000)]
    public async Task Client_and_host_fetch_the_page()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "web-sample", remapPorts: false);
        var client = network["client"];

        var fromClient = await client.SucceedAsync("wget -qO- http://webserver/", ct: ct);
        Assert.Contains("Hello from webserver", fromClient);

        Assert.Equal(8081, network["webserver"].ForwardedPorts[80]);
        using var http = new HttpClient();
        var fromHost = await http.GetStringAsync("http://127.0.0.1:8081/", ct);
        Assert.Equal(fromClient, fromHost);

        // Names and addresses follow the NixOS conventions: node numbers in alphabetical order.
        Assert.Contains("192.168.1.2", await client.SucceedAsync("getent hosts webserver || grep webserver /etc/hosts", ct: ct));
        Assert.Contains("192.168.1.1/24", await client.SucceedAsync("ip -4 addr show eth1", ct: ct));
    }
}
