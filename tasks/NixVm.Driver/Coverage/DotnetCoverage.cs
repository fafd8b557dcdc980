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
/// build turns them into that machine's report (the hits of a later network of the same test run are
/// added to an earlier one's). Call it after the services have stopped.
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

    /// <summary>
    /// Adds a hits file's counts to another's of the same module, as coverlet's own tracker does when
    /// a module is unloaded twice: both are a 32-bit count of sequence points, then one 32-bit hit
    /// count per point.
    /// </summary>
    internal static void AddHits(string from, string into)
    {
        static int[] Read(string file)
        {
            using var reader = new BinaryReader(File.OpenRead(file));
            var hits = new int[reader.ReadInt32()];
            for (var i = 0; i < hits.Length; i++) hits[i] = reader.ReadInt32();
            return hits;
        }
        var (added, sum) = (Read(from), Read(into));
        if (added.Length != sum.Length)
            throw new CoverageException($"{from} has {added.Length} hit counts and {into} {sum.Length}: not the same instrumented module");
        using (var writer = new BinaryWriter(File.Create(into)))
        {
            writer.Write(sum.Length);
            for (var i = 0; i < sum.Length; i++) writer.Write(sum[i] + added[i]);
        }
        File.Delete(from);
    }

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
            {
                var target = Path.Combine(hostDirectory, Path.GetFileName(file));
                if (File.Exists(target)) AddHits(file, target);   // an earlier network of this test run ran the same service
                else File.Move(file, target);
            }
        }
        catch (NixVmException e)
        {
            network.Log.Machine(machine.Name, $"coverage: could not copy .NET hits files: {e.Message}");
        }
    }
}
