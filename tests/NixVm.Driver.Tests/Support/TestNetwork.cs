namespace NixVm.Driver.Tests.Support;

/// <summary>Builds a network with nix-build and boots it, logging into the current test's output.</summary>
static class TestNetwork
{
    public static readonly string WebSample = Repo.PathOf("samples", "web", "default.nix");

    public static string Case(string name) => Repo.PathOf("tests", "nix-cases", name + ".nix");

    public static async Task<VirtualNetwork> CreateAsync(string nixFile, string logName, string attribute = "vms", bool remapPorts = true,
        Func<NetworkOptions, NetworkOptions>? configure = null)
    {
        var result = await NixBuild.BuildAsync(nixFile, attribute);
        var options = new NetworkOptions
        {
            LogDirectory = Repo.ResultsDirectory(logName),
            LogSink = line => TestContext.Current.TestOutputHelper?.WriteLine(line),
            RemapForwardedPorts = remapPorts,
        };
        return await VirtualNetwork.CreateAsync(result, configure?.Invoke(options) ?? options, TestContext.Current.CancellationToken);
    }

    public static async Task<VirtualNetwork> StartAsync(string nixFile, string logName, bool remapPorts = true,
        Func<NetworkOptions, NetworkOptions>? configure = null)
    {
        var network = await CreateAsync(nixFile, logName, remapPorts: remapPorts, configure: configure);
        try { await network.StartAllAsync(TestContext.Current.CancellationToken); }
        catch { await network.DisposeAsync(); throw; }
        return network;
    }
}
