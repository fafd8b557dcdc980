using System.Diagnostics;
using System.Text;

namespace NixVmTasks.Tests.Support;

/// <summary>Runs the real dotnet CLI the way a user would, without the test host's MSBuild environment.</summary>
public static class Dotnet
{
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    public static async Task<Result> RunAsync(string workingDirectory, IEnumerable<string> args,
        IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // A build started from inside a test run must not inherit that run's MSBuild settings.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("_MSBUILD", StringComparison.Ordinal) || k is "DOTNET_HOST_PATH" or "VSTEST_HOST_DEBUG").ToList())
            psi.Environment.Remove(key);
        // No MSBuild nodes or build servers may outlive the test (they would also keep stale task code).
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        psi.Environment["UseSharedCompilation"] = "false";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment)
                if (v is null) psi.Environment.Remove(k); else psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        var lockObj = new Lock();
        void Collect(string? line) { if (line is not null) lock (lockObj) output.AppendLine(line); }
        p.OutputDataReceived += (_, e) => Collect(e.Data);
        p.ErrorDataReceived += (_, e) => Collect(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish:\n{output}");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, output.ToString());
    }
}
