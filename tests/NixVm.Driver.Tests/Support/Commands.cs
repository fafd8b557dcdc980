using System.Diagnostics;

namespace NixVm.Driver.Tests.Support;

/// <summary>The real nix and dotnet command-line tools, run as a user would run them.</summary>
static class Commands
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A nix tool (nix-build, nix-instantiate, nix-store) without substituters: this machine has no binary cache.</summary>
    public static Task<Run> NixAsync(params string[] args) =>
        RunAsync(args[0], [.. args[1..], "--option", "substituters", ""], null, TimeSpan.FromMinutes(10));

    /// <summary>A long nix build (e.g. Debian's sources with coverage) at the lowest CPU priority, with its own time limit.</summary>
    public static Task<Run> NiceNixBuildAsync(TimeSpan timeout, params string[] args) =>
        RunAsync("nice", ["-n", "19", "nix-build", "--no-out-link", .. args, "--option", "substituters", ""], null, timeout);

    public static Task<Run> NixAsync(IDictionary<string, string> environment, params string[] args) =>
        NixAsync(environment, TimeSpan.FromMinutes(10), args);

    static Task<Run> NixAsync(IDictionary<string, string> environment, TimeSpan timeout, string[] args) =>
        RunAsync(args[0], [.. args[1..], "--option", "substituters", ""], environment.ToDictionary(e => e.Key, e => (string?)e.Value), timeout);

    /// <summary>A program on the host, with these variables changed (a null value removes one).</summary>
    public static Task<Run> HostProgramAsync(string program, IEnumerable<string> args, IDictionary<string, string?> environment) =>
        RunAsync(program, args, environment, TimeSpan.FromMinutes(1));

    /// <summary>dotnet build with none of this test run's MSBuild settings and no build servers.</summary>
    public static async Task DotnetBuildAsync(string project)
    {
        // The referenced task projects are built already (scripts/test builds the solution); building
        // them again here could race with other test classes that pack or build them.
        var r = await RunAsync("dotnet", ["build", project, "-nologo", "-v", "quiet", "-nodeReuse:false", "-p:BuildProjectReferences=false"],
            null, TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, $"dotnet build {project} failed:\n{r.Stdout}\n{r.Stderr}");
    }

    /// <summary>dotnet publish of a project made outside the repository (framework-dependent, Release).</summary>
    public static async Task DotnetPublishAsync(string project, string output)
    {
        var r = await RunAsync("dotnet", ["publish", project, "-nologo", "-v", "quiet", "-nodeReuse:false", "-c", "Release", "-o", output],
            null, TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, $"dotnet publish {project} failed:\n{r.Stdout}\n{r.Stderr}");
    }

    /// <summary>nix-build after deleting earlier outputs of the same derivations, so the tests really run again.</summary>
    public static Task<Run> FreshNixBuildAsync(string[] args, params string[] buildOptions) =>
        FreshNixBuildAsync(new Dictionary<string, string>(), args, buildOptions);

    /// <summary>The same, with nix-build in an environment (e.g. NIX_SSHOPTS for a remote builder).</summary>
    public static Task<Run> FreshNixBuildAsync(IDictionary<string, string> environment, string[] args, params string[] buildOptions) =>
        FreshNixBuildAsync(environment, TimeSpan.FromMinutes(10), args, buildOptions);

    /// <summary>The same, for a build that may take longer than the usual 10 minutes (e.g. a long test run inside it).</summary>
    public static Task<Run> FreshNixBuildAsync(TimeSpan timeout, string[] args) =>
        FreshNixBuildAsync(new Dictionary<string, string>(), timeout, args, []);

    static async Task<Run> FreshNixBuildAsync(IDictionary<string, string> environment, TimeSpan timeout, string[] args, string[] buildOptions)
    {
        var drvs = await NixAsync(["nix-instantiate", .. args]);
        Assert.True(drvs.ExitCode == 0, drvs.Stderr);
        foreach (var drv in drvs.Stdout.Split('\n'))
        {
            var outs = await NixAsync("nix-store", "--query", "--outputs", drv);
            foreach (var o in outs.Stdout.Split('\n').Where(Directory.Exists))
            {
                var deleted = await NixAsync("nix-store", "--delete", o);
                Assert.True(deleted.ExitCode == 0, $"cannot delete the earlier result {o} (a GC root such as ./result still holds it?):\n{deleted.Stderr}");
            }
        }
        return await NixAsync(environment, timeout, ["nix-build", "--no-out-link", .. buildOptions, .. args]);
    }

    static async Task<Run> RunAsync(string tool, IEnumerable<string> args, IDictionary<string, string?>? environment, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("_MSBUILD", StringComparison.Ordinal) || k is "DOTNET_HOST_PATH").ToList())
            psi.Environment.Remove(key);
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        psi.Environment["UseSharedCompilation"] = "false";
        if (environment is not null)
            foreach (var (k, v) in environment)
                if (v is null) psi.Environment.Remove(k);
                else psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(Ct);
        var stderr = p.StandardError.ReadToEndAsync(Ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(timeout);
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        return new Run(p.ExitCode, (await stdout).Trim(), await stderr);
    }
}
