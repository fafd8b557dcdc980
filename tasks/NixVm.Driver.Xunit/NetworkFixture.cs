using NixVm.Driver.Machines;
using Xunit;

namespace NixVm.Driver.Xunit;

/// <summary>
/// Boots the project's virtual network once for the tests that share it and stops it afterwards.
/// Use it as a class or assembly fixture: <c>[assembly: AssemblyFixture(typeof(NetworkFixture))]</c>.
/// Every log line (serial consoles, commands, timings) goes to the running test's output and to
/// the log directory the build chose.
/// </summary>
public class NetworkFixture : IAsyncLifetime
{
    VirtualNetwork? network;

    public VirtualNetwork Network => network ?? throw new InvalidOperationException("the network has not been started");

    public Machine this[string name] => Network[name];

    /// <summary>Override to change options (timeouts, port remapping) before the network starts.</summary>
    protected virtual NetworkOptions Configure(NetworkOptions options) => options;

    public async ValueTask InitializeAsync()
    {
        var settings = NixVmSettings.Load();
        var options = Configure(new NetworkOptions
        {
            Accelerator = settings.Accelerator,
            LogDirectory = settings.LogDirectory,
            LogSink = line => TestContext.Current.TestOutputHelper?.WriteLine(line),
        });
        network = await VirtualNetwork.CreateAsync(settings.Manifest, options, TestContext.Current.CancellationToken);
        try { await network.StartAllAsync(TestContext.Current.CancellationToken); }
        catch
        {
            await network.DisposeAsync();
            network = null;
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (network is not null) await network.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
