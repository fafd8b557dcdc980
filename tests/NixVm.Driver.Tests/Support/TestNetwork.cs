namespace NixVm.Driver.Tests.Support;

/// <summary>Builds a network with nix-build and boots it, logging into the current test's output.</summary>
static class TestNetwork
{
    public static readonly string WebSample = Repo.PathOf("samples", "web", "default.nix");

    public static string Case(string name) => Repo.PathOf("tests", "nix-cases", name + ".nix");

    public static async Task<VirtualNetwork> CreateAsync(string nixFile, string logName, string attribute = "vms", bool remapPorts = true)
    {
        var result = await NixBuild.BuildAsync(nixFile, attribute);
        return await VirtualNetwork.CreateAsync(result, new NetworkOptions
        {
            LogDirectory = Repo.ResultsDirectory(logName),
            LogSink = line => TestContext.Current.TestOutputHelper?.WriteLine(line),
            RemapForwardedPorts = remapPorts,
        }, TestContext.Current.CancellationToken);
    }

    public static async Task<VirtualNetwork> StartAsync(string nixFile, string logName, bool remapPorts = true)
    {
        var network = await CreateAsync(nixFile, logName, remapPorts: remapPorts);
        try { await network.StartAllAsync(TestContext.Current.CancellationToken); }
        catch { await network.DisposeAsync(); throw; }
        return network;
    }
}
