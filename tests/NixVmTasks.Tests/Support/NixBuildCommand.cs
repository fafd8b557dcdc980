using System.Diagnostics;

namespace NixVmTasks.Tests.Support;

/// <summary>The real nix-build on a Nix file, as a user of <c>buildVms</c> runs it (no binary cache on this machine).</summary>
static class NixBuildCommand
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string nixFile)
    {
        var psi = new ProcessStartInfo("nix-build") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--no-out-link", "--option", "substituters", "", nixFile }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        return (p.ExitCode, await stdout + await stderr);
    }
}
