using NixVm.Driver.Machines;
using NixVm.Shared;

namespace NixVm.Driver.Coverage;

/// <summary>
/// Collects the hit counts of .NET services that the build instrumented with coverlet
/// (NixVmCoverage=true, see the package's NixVmTasks.ServiceCoverage.targets). coverlet compiles
/// the path of each module's hits file into the instrumented assembly: the build's temporary
/// directory plus <c>&lt;module&gt;_&lt;guid&gt;</c>, written when the program exits gracefully
/// (ProcessExit). A test process run by the build inherits its environment, so its
/// <see cref="Path.GetTempPath"/> is that directory; <c>/tmp/</c> (the default) is searched too, for
/// tests run elsewhere (e.g. inside nix-build). A guest's <c>/tmp</c> is its own: each ready
/// machine copies its hits files into its exchange directory, and they land in
/// <c>&lt;outputDirectory&gt;/dotnet/hits/&lt;machine&gt;/</c>, one directory per machine, where the
/// build turns them into that machine's report. Call it after the services have stopped.
/// </summary>
static class DotnetCoverage
{
    /// <summary>Below the coverage directory: one directory of hits files per machine.</summary>
    internal static readonly string HitsSubdirectory = Path.Combine("dotnet", "hits");

    const string Exchange = "coverage-dotnet";

    // coverlet names a hits file <module>_<guid> (Guid "D" format).
    const string HitsPattern = "*_????????-????-????-????-????????????";

    /// <summary>Copies each ready machine's hits files to the host (the driver log says how many).</summary>
    public static Task CollectAsync(VirtualNetwork network, string outputDirectory, CancellationToken ct = default) =>
        Task.WhenAll(network.Machines.Where(m => m.IsReady)
            .Select(m => CollectMachineAsync(m, network, Path.Combine(outputDirectory, HitsSubdirectory, m.Name), ct)));

    static async Task CollectMachineAsync(Machine machine, VirtualNetwork network, string hostDirectory, CancellationToken ct)
    {
        var exchange = Path.Combine(machine.ExchangeDirectory, Exchange);
        var globs = string.Join(" ", new[] { Path.GetTempPath(), "/tmp/" }.Distinct().Select(d => Shell.Quote(d) + HitsPattern));
        var guestExchange = Contract.Guest.Exchange + "/" + Exchange;
        var script = $"""
            n=0; mkdir -p {guestExchange}
            for f in {globs}; do
              [ -f "$f" ] && cp "$f" {guestExchange}/ && n=$((n + 1))
            done
            sync; echo $n
            """;
        try
        {
            var said = (await machine.SucceedAsync(script, ct: ct)).Trim();
            network.Log.Machine(machine.Name, $"coverage: {said} .NET hits file(s)");
            if (!Directory.Exists(exchange)) return;
            Directory.CreateDirectory(hostDirectory);
            foreach (var file in Directory.EnumerateFiles(exchange))
                File.Move(file, Path.Combine(hostDirectory, Path.GetFileName(file)), overwrite: true);
        }
        catch (NixVmException e)
        {
            network.Log.Machine(machine.Name, $"coverage: could not copy .NET hits files: {e.Message}");
        }
    }
}
