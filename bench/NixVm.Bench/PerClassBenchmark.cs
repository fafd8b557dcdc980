using NixVm.Driver;
using NixVm.Shared;

namespace NixVm.Bench;

/// <summary>
/// What a fresh network per test class costs: the same 10-class xunit suite against a 2-machine
/// network (a web server and a client, declared in the project and built by the packed NixVmTasks)
/// run with one network for the assembly (<c>AssemblyFixture(typeof(NetworkFixture))</c>, the
/// baseline) and with a network per class (<c>IClassFixture&lt;NetworkFixture&gt;</c>): as xunit
/// runs it by default (classes in parallel), with classes one after the other (<c>-parallel none</c>),
/// and in parallel with snapshots off (every machine boots). Runs alternate, so all see the same host.
/// </summary>
sealed class PerClassBenchmark(TextWriter output)
{
    const int Classes = 10;

    sealed record Variant(string Name, string Suite, string[] Arguments, bool Snapshots = true);

    public async Task RunAsync(string repoRoot, int rounds, CancellationToken ct)
    {
        var root = Directory.CreateTempSubdirectory("nixvm-bench-perclass-").FullName;
        var run = Path.Combine(root, "run");
        Directory.CreateDirectory(run);
        var env = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(root, "packages"), ["XDG_RUNTIME_DIR"] = run };
        try
        {
            var version = await BenchProjects.PackAsync(repoRoot, root, ct);
            var shared = Suite(root, "SharedSuite", version, "[assembly: AssemblyFixture(typeof(NetworkFixture))]", "");
            var perClass = Suite(root, "PerClassSuite", version, "", " : IClassFixture<NetworkFixture>");
            foreach (var suite in new[] { shared, perClass }) await NoOpBuildBenchmark.DotnetAsync(suite, env, ct, "build", "-c", "Release");

            Variant[] variants =
            [
                new("shared network (baseline)", shared, []),
                new("fresh network per class, classes in parallel (xunit's default)", perClass, []),
                new("fresh network per class, one class at a time (-parallel none)", perClass, ["-parallel", "none"]),
                new("fresh network per class, in parallel, snapshots off (every machine boots)", perClass, [], Snapshots: false),
            ];
            output.WriteLine($"per-class suite: {Classes} classes x 3 tests on 2 machines, test process wall time, {rounds} runs of each variant, alternating ({string.Join(" / ", variants.Select(v => v.Name))})");
            foreach (var v in variants) await RunSuiteAsync(v, env, ct);   // warm-up: snapshots saved, files cached
            var runs = variants.ToDictionary(v => v, _ => new List<DotnetRun>());
            for (var i = 0; i < rounds; i++)
            {
                foreach (var v in variants) runs[v].Add(await RunSuiteAsync(v, env, ct));
                output.WriteLine($"  run {i + 1}: {string.Join(" / ", variants.Select(v => $"{runs[v][i].Seconds:0.0}"))} s   load {VirtualNetwork.HostLoad()}");
            }

            double Median(Variant v, Func<DotnetRun, double> figure) => Stats.Median(runs[v].Select(figure).ToList());
            var cores = Environment.ProcessorCount;
            var baseline = Median(variants[0], r => r.Seconds);
            foreach (var v in variants)
            {
                var median = Median(v, r => r.Seconds);
                var ratio = v == variants[0] ? "" : $"   {median / baseline:0.00}x the shared network" + (v == variants[1] ? " (target <= 1.50x)" : "");
                output.WriteLine($"  {v.Name}: median {median:0.00} s [{Stats.Format(runs[v].Select(r => r.Seconds))}]{ratio}");
                var memoryTarget = v == variants[0] ? " (target <= 100 MiB with two machines running)" : "";
                output.WriteLine($"    test process peak RSS: median {Median(v, r => r.PeakMiB):0} MiB [{string.Join(" ", runs[v].Select(r => r.PeakMiB.ToString("0")))}]{memoryTarget}");
                var cpu = Median(v, r => r.CpuSeconds);
                output.WriteLine($"    CPU: median {cpu:0.00} s (QEMU and the other children {Median(v, r => r.CpuSeconds - r.OwnCpuSeconds):0.00} s, the test process {Median(v, r => r.OwnCpuSeconds):0.00} s)"
                    + $" = {cpu / cores:0.00} s on {cores} cores, {cpu / cores / median:0%} of the wall time");
            }
            var fresh = variants[1];
            output.WriteLine($"  each fresh network adds {(Median(fresh, r => r.Seconds) - baseline) / Classes:0.00} s to the default run"
                + $" and {(Median(fresh, r => r.CpuSeconds) - Median(variants[0], r => r.CpuSeconds)) / Classes:0.00} s of CPU");
            // No schedule runs the suite faster than its CPU spread over every core, even on an idle host.
            var floor = Median(fresh, r => r.CpuSeconds) / cores;
            output.WriteLine($"  CPU-bound floor of the default's ratio: {floor / baseline:0.00}x (its CPU on {cores} cores, {floor:0.00} s, against the shared network's wall time; measured {Median(fresh, r => r.Seconds) / baseline:0.00}x)");
            var left = Leftovers.Processes(run).Count + Directory.GetFileSystemEntries(run).Length;
            output.WriteLine($"  left behind after all runs: {left} processes or state directories   load {VirtualNetwork.HostLoad()}");
        }
        finally
        {
            await NoOpBuildBenchmark.DotnetAsync(root, env, CancellationToken.None, "build-server", "shutdown");
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>One run of the suite's test executable (as RunVmTests runs it). Every test must pass.</summary>
    static Task<DotnetRun> RunSuiteAsync(Variant v, IReadOnlyDictionary<string, string?> env, CancellationToken ct)
    {
        var assembly = Path.Combine(v.Suite, "bin", "Release", "net10.0", Path.GetFileName(v.Suite) + ".dll");
        var snapshots = new Dictionary<string, string?>(env) { [Contract.Environment.Snapshots] = v.Snapshots ? "1" : "0" };
        return NoOpBuildBenchmark.DotnetAsync(v.Suite, snapshots, ct, ["exec", assembly, "-noColor", .. v.Arguments]);
    }

    /// <summary>A test project with <see cref="Classes"/> classes of three tests each, declaring the web server and client.</summary>
    static string Suite(string root, string name, string version, string assemblyFixture, string classFixture)
    {
        var dir = Path.Combine(root, name);
        BenchProjects.WriteProject(dir, name, "<ImplicitUsings>enable</ImplicitUsings><NixVmRunTestsOnBuild>false</NixVmRunTestsOnBuild>", $"""
            <PackageReference Include="NixVmTasks" Version="{version}" />
            <VirtualMachine Include="server" NixFile="server.nix" />
            <VirtualMachine Include="client" />
            """);
        File.WriteAllText(Path.Combine(dir, "server.nix"), """
            {
              services = [ { name = "httpd"; command = "busybox httpd -f -p 80 -h /var/www"; ready = "nc -z 127.0.0.1 80"; } ];
              files."/var/www/index.html" = "Hello from server\n";
            }
            """);
        var classes = Enumerable.Range(1, Classes).Select(i => $$"""
            public class Class{{i:00}}(NetworkFixture network){{classFixture}}
            {
                static CancellationToken Ct => TestContext.Current.CancellationToken;

                [Fact]
                public async Task Client_fetches_the_page() =>
                    Assert.Contains("Hello from server", await network["client"].SucceedAsync("wget -qO- http://server/", ct: Ct));

                [Fact]
                public async Task A_file_written_on_the_server_is_served()
                {
                    await network["server"].SucceedAsync("echo {{i}} > /var/www/class{{i}}.txt", ct: Ct);
                    Assert.Equal("{{i}}\n", await network["client"].SucceedAsync("wget -qO- http://server/class{{i}}.txt", ct: Ct));
                }

                [Fact]
                public async Task Both_machines_run_commands()
                {
                    foreach (var m in new[] { "server", "client" }) await network[m].SucceedAsync("uname -a && ls /etc >/dev/null", ct: Ct);
                }
            }
            """);
        File.WriteAllText(Path.Combine(dir, "Tests.cs"),
            $"using NixVm.Driver.Xunit;\nusing Xunit;\n\n{assemblyFixture}\n\n{string.Join("\n\n", classes)}\n");
        return dir;
    }
}
