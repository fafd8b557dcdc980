using System.Diagnostics;
using NixVm.Driver.Processes;

namespace NixVm.Driver.Coverage;

/// <summary>Runs lcov 1.x / genhtml with branch coverage on.</summary>
static class LcovTool
{
    const string Hint = "install lcov (Debian/Ubuntu: sudo apt-get install lcov; `dotnet build -t:NixVmDoctor` checks the host)";

    /// <summary>Runs the tool; returns null on success, else its exit code and the end of its stderr.</summary>
    public static async Task<string?> RunAsync(string tool, IEnumerable<string> args, string workingDirectory, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(HostTools.Find(tool, Hint))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--quiet", "--rc", "lcov_branch_coverage=1" }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        try { await p.WaitForExitAsync(ct); }
        catch (OperationCanceledException) { p.Kill(entireProcessTree: true); throw; }
        await stdout;
        var errors = (await stderr).Trim();
        if (p.ExitCode == 0) return null;
        // lcov 1.16's geninfo always prints "Subroutine … redefined" perl warnings: not the reason.
        var tail = string.Join(" | ", errors.Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !(l.StartsWith("Subroutine ", StringComparison.Ordinal) && l.Contains(" redefined at ", StringComparison.Ordinal)))
            .TakeLast(3));
        return $"{tool} exited with status {p.ExitCode}: {tail}";
    }
}
