using NixVm.Driver.Coverage;
using NixVm.Driver.Machines;
using NixVm.Shared;
using Xunit;

namespace NixVm.Driver.Xunit;

/// <summary>
/// Boots the project's virtual network once for the tests that share it and stops it afterwards.
/// Where it is declared says which tests share a network: an assembly fixture
/// (<c>[assembly: AssemblyFixture(typeof(NetworkFixture))]</c>) is one network for every test; a
/// class fixture (<c>IClassFixture&lt;NetworkFixture&gt;</c>, which wins over the assembly's) is a
/// fresh network per test class; a collection fixture, one per collection; a fixture a test class
/// creates and initializes itself (in its <c>InitializeAsync</c>), a fresh network per test. A fresh
/// network logs into a directory of its own below the build's log directory
/// (<c>&lt;Class&gt;/</c>, <c>&lt;Class&gt;/&lt;Method&gt;/</c>) and forwards its declared ports
/// from free host ports, since several may run at once: read the port from
/// <see cref="Machine.ForwardedPorts"/>.
/// Every log line (serial consoles, commands, timings) goes to the running test's output and to
/// that log directory. When disposed it stops the guests' services (their logs land in the log
/// directory), then, with NIXVM_COVERAGE=1 (the build's NixVmCoverage=true), collects the machines'
/// coverage into NIXVM_COVERAGE_DIR, else <c>coverage/</c> beside the build's log directory (the
/// build's results directory) — every network of the test run adds to the same report (see
/// <see cref="CoverageCollector.CollectAsync"/>) — then stops the machines. Without coverage a fresh
/// network does all of this in the background (see <see cref="DisposeAsync"/>).
/// </summary>
public class NetworkFixture : IAsyncLifetime
{
    VirtualNetwork? network;
    string? coverageDirectory;
    bool isFresh;

    /// <summary>The running network.</summary>
    /// <exception cref="InvalidOperationException">The fixture has not been initialized, or its network failed to start.</exception>
    public VirtualNetwork Network => network ?? throw new InvalidOperationException("the network has not been started");

    /// <summary>The machine of that name (<c>Network[name]</c>).</summary>
    /// <exception cref="KeyNotFoundException">The network has no such machine.</exception>
    public Machine this[string name] => Network[name];

    /// <summary>Override to change options (timeouts, port remapping) before the network starts.</summary>
    protected virtual NetworkOptions Configure(NetworkOptions options) => options;

    /// <summary>Creates the network from <see cref="NixVmSettings.Load"/> and <see cref="Configure"/>, and boots every machine.</summary>
    /// <exception cref="InvalidOperationException">No network manifest was found (see <see cref="NixVmSettings.Load"/>).</exception>
    /// <exception cref="NixVmException">The network could not be created, or a machine did not become ready (the network is stopped again).</exception>
    public async ValueTask InitializeAsync()
    {
        var settings = NixVmSettings.Load();
        var scope = FixtureScope.Current();
        isFresh = scope.IsFresh;
        var options = Configure(new NetworkOptions
        {
            Accelerator = settings.Accelerator,
            LogDirectory = scope.LogDirectory(settings.LogDirectory),
            RemapForwardedPorts = settings.RemapForwardedPorts || scope.IsFresh,
            LogSink = line => TestContext.Current.TestOutputHelper?.WriteLine(line),
        });
        coverageDirectory = Environment.GetEnvironmentVariable(Contract.Environment.Coverage) == "1" ? CoverageDirectory(settings) : null;
        network = await VirtualNetwork.CreateAsync(settings.Manifest, options, TestContext.Current.CancellationToken);
        try { await network.StartAllAsync(TestContext.Current.CancellationToken); }
        catch
        {
            await network.DisposeAsync();
            network = null;
            throw;
        }
    }

    /// <summary>The native coverage report, once the fixture has been disposed with coverage on.</summary>
    public CoverageReport? Coverage { get; private set; }

    /// <summary>
    /// Stops the services (failures are logged), collects coverage when it is on, and stops the
    /// network. A fresh network (class, collection or test) without coverage stops in the background:
    /// the next class starts meanwhile, and the test process waits for it before it exits.
    /// </summary>
    /// <exception cref="CoverageException">lcov could not merge or render the coverage report.</exception>
    public async ValueTask DisposeAsync()
    {
        if (network is { } stopping)
        {
            if (isFresh && coverageDirectory is null) BackgroundTeardowns.Start(() => StopInBackgroundAsync(stopping));
            else await StopAsync(stopping);
        }
        GC.SuppressFinalize(this);
    }

    async Task StopAsync(VirtualNetwork stopping)
    {
        // Not the test's token: a cancelled or timed-out test still leaves its coverage and logs
        // (each step here has a timeout of its own).
        var ct = CancellationToken.None;
        try
        {
            // Services stop first: a program writes its coverage data when it exits.
            try { await stopping.StopServicesAsync(ct); }
            catch (NixVmException e)
            {
                stopping.Log.Driver($"could not stop the services: {e.Message}"); // collect what exists
            }
            if (coverageDirectory is not null)
                Coverage = await CoverageCollector.CollectAsync(stopping, coverageDirectory, ct);
        }
        finally { await stopping.DisposeAsync(); }
    }

    /// <summary>No test is left to fail: what goes wrong goes to the network's log and the test process's stderr.</summary>
    async Task StopInBackgroundAsync(VirtualNetwork stopping)
    {
        try { await StopAsync(stopping); }
        catch (Exception e)
        {
            var message = $"network '{stopping.Manifest.Name}' ({stopping.Options.LogDirectory ?? "no log directory"}) did not stop cleanly: {e.Message}";
            stopping.Log.Driver(message);
            await Console.Error.WriteLineAsync("NixVm: " + message);
        }
    }

    static string CoverageDirectory(NixVmSettings settings) =>
        Environment.GetEnvironmentVariable(Contract.Environment.CoverageDirectory) is { Length: > 0 } dir ? Path.GetFullPath(dir)
        : settings.LogDirectory is { Length: > 0 } logs ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(logs).TrimEnd('/'))!, "coverage")
        : Path.GetFullPath(Path.Combine("TestResults", "nixvm", "coverage"));
}
