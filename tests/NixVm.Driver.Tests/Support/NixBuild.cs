using System.Diagnostics;

namespace NixVm.Driver.Tests.Support;

/// <summary>Runs the real nix-build (no substituters: this machine has no binary cache).</summary>
static class NixBuild
{
    public sealed record Result(int ExitCode, string OutPath, string Stderr);

    public static async Task<Result> RunAsync(string file, string? attribute = null, IDictionary<string, string>? environment = null)
    {
        var nixBuild = Processes.HostTools.Find("nix-build", "install nix-bin with scripts/bootstrap");
        var psi = new ProcessStartInfo(nixBuild)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--option", "substituters", "", "--no-out-link", file }) psi.ArgumentList.Add(a);
        if (attribute is not null) { psi.ArgumentList.Add("-A"); psi.ArgumentList.Add(attribute); }
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        return new Result(p.ExitCode, (await stdout).Trim(), await stderr);
    }

    public static async Task<string> BuildAsync(string file, string? attribute = null)
    {
        var r = await RunAsync(file, attribute);
        if (r.ExitCode != 0) throw new InvalidOperationException($"nix-build {file} -A {attribute} failed:\n{r.Stderr}");
        return r.OutPath;
    }
}
