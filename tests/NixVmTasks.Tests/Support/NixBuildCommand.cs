using System.Diagnostics;

namespace NixVmTasks.Tests.Support;

/// <summary>The real nix-build, as a user of <c>buildVms</c> or <c>-A report</c> runs it (no binary cache on this machine).</summary>
static class NixBuildCommand
{
    /// <summary>Runs <c>nix-build --no-out-link &lt;args&gt;</c>; stdout is the built store path on success.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("nix-build") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--no-out-link", "--option", "substituters", "" }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        return (p.ExitCode, (await stdout).Trim(), await stderr);
    }
}
