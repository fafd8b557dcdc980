using System.Diagnostics;
using NixVm.Driver;

namespace NixVm.Bench;

/// <summary>
/// A no-op `dotnet build` of a VM test project (package referenced, tests on build, a machine file
/// that imports a Nix file that reads a file, a referenced project) against the same project
/// without the package: what NixVmTasks costs a developer on every rebuild, including the checks
/// of everything that would rerun it (README: "What reruns a build").
/// </summary>
sealed class NoOpBuildBenchmark(TextWriter output)
{
    public async Task RunAsync(string repoRoot, int builds, CancellationToken ct)
    {
        var root = Directory.CreateTempSubdirectory("nixvm-bench-noop-").FullName;
        try
        {
            var version = await BenchProjects.PackAsync(repoRoot, root, ct);
            Library(root);
            var withVms = Project(root, "WithVms", $"""
                <PackageReference Include="NixVmTasks" Version="{version}" />
                <VirtualMachine Include="server" NixFile="server.nix" />
                """, "true");
            File.WriteAllText(Path.Combine(withVms, "server.nix"), "import ./common.nix // { memoryMB = 192; }\n");
            File.WriteAllText(Path.Combine(withVms, "common.nix"), "{ files.\"/etc/motd\" = builtins.readFile ./motd; }\n");
            File.WriteAllText(Path.Combine(withVms, "motd"), "hello\n");
            var plain = Project(root, "Plain", "", "false");
            foreach (var p in new[] { withVms, plain }) await DotnetAsync(p, ct, "build");   // first build: restore, images, tests

            var a = new List<double>();
            var b = new List<double>();
            for (var i = 0; i < builds; i++)
            {
                a.Add(await TimeAsync(withVms, ct));
                b.Add(await TimeAsync(plain, ct));
            }
            output.WriteLine($"no-op dotnet build, VM tests on build: median {Stats.Median(a):0.00} s [{Stats.Format(a)}]");
            output.WriteLine($"no-op dotnet build, same project without NixVmTasks: median {Stats.Median(b):0.00} s [{Stats.Format(b)}]");
            output.WriteLine($"ratio: {Stats.Median(a) / Stats.Median(b):0.00}x (target <= 1.15x)   load {VirtualNetwork.HostLoad()}");
        }
        finally
        {
            await DotnetAsync(root, ct, "build-server", "shutdown");
            Directory.Delete(root, recursive: true);
        }
    }

    static string Project(string root, string name, string items, string runTests)
    {
        var dir = Path.Combine(root, name);
        BenchProjects.WriteProject(dir, name, $"<NixVmRunTestsOnBuild>{runTests}</NixVmRunTestsOnBuild>", $"""
            <ProjectReference Include="../Lib/Lib.csproj" />
            {items}
            """);
        File.WriteAllText(Path.Combine(dir, "Tests.cs"), "public class Tests { [Xunit.Fact] public void Passes() { } }");
        return dir;
    }

    /// <summary>A project both test projects reference (its assembly is an input of the VM test run).</summary>
    static void Library(string root)
    {
        var dir = Path.Combine(root, "Lib");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Lib.csproj"), """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>""");
        File.WriteAllText(Path.Combine(dir, "Greeter.cs"), "public static class Greeter { public static string Greet() => \"hello\"; }");
    }

    static async Task<double> TimeAsync(string project, CancellationToken ct) =>
        (await DotnetAsync(project, ct, "build", "--no-restore")).Seconds;

    internal static Task<DotnetRun> DotnetAsync(string directory, CancellationToken ct, params string[] args) => DotnetAsync(directory, null, ct, args);

    /// <summary>
    /// Runs <c>dotnet</c> with these environment variables added (failing with its output if it fails) and
    /// returns its wall time, peak RSS (VmHWM, read every 50 ms) and CPU (see <see cref="DotnetRun"/>).
    /// </summary>
    internal static async Task<DotnetRun> DotnetAsync(string directory, IReadOnlyDictionary<string, string?>? env, CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", args) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) psi.Environment[k] = v;
        var cpuBefore = ChildrenCpu.Seconds();
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        var exited = p.WaitForExitAsync(ct);
        double peak = 0, ownCpu = 0;
        while (!exited.IsCompleted)
        {
            try { (peak, ownCpu) = (Math.Max(peak, Benchmarks.StatusMiB(p.Id, "VmHWM")), Benchmarks.CpuSeconds(p.Id)); }
            catch (Exception e) when (e is IOException or InvalidOperationException) { } // it has just exited
            await Task.WhenAny(exited, Task.Delay(50, ct));
        }
        await exited;
        var seconds = clock.Elapsed.TotalSeconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed in {directory}:\n{await stdout}{await stderr}");
        return new DotnetRun(seconds, peak, ChildrenCpu.Seconds() - cpuBefore, ownCpu);
    }
}

/// <summary>
/// One run of <c>dotnet</c>: its wall time in seconds; its peak RSS in MiB; the CPU seconds of its whole
/// process tree (itself and every child it waited for: QEMU, switches, compilers); and of the dotnet
/// process alone (read every 50 ms, so up to its last 50 ms are missing).
/// </summary>
readonly record struct DotnetRun(double Seconds, double PeakMiB, double CpuSeconds, double OwnCpuSeconds);
