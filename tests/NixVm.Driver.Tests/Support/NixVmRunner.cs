using System.Diagnostics;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Support;

/// <summary>nixvm-runner from this test run's output folder, started as NixVmUp and NixVmDoctor start it.</summary>
static class NixVmRunner
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary><c>dotnet nixvm-runner.dll args</c>, its output redirected, with these variables changed (a null value removes one).</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "nixvm-runner.dll"), .. args]) { RedirectStandardOutput = true };
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        return psi;
    }

    /// <summary>
    /// Starts <c>up --ready-file</c> for the manifest (ports remapped, TCG) and waits for its ready
    /// file; the caller stops the process.
    /// </summary>
    public static async Task<(Process Owner, RunnerReady Ready)> UpAsync(string manifest, string readyFile, string logs)
    {
        var owner = Process.Start(StartInfo(["up", "--manifest", manifest, "--remap-ports", "--accelerator", "tcg", "--logs", logs, "--ready-file", readyFile]))!;
        var output = owner.StandardOutput.ReadToEndAsync(Ct);
        RunnerReady? ready;
        while ((ready = RunnerReady.Read(readyFile)) is null)
        {
            if (owner.HasExited) Assert.Fail("the runner exited before it was ready:\n" + await output);
            await Task.Delay(200, Ct);
        }
        return (owner, ready);
    }

    /// <summary>A command that ends by itself (doctor, results): its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        using var runner = Process.Start(StartInfo(args, environment))!;
        var output = await runner.StandardOutput.ReadToEndAsync(Ct);
        await runner.WaitForExitAsync(Ct);
        return (runner.ExitCode, output);
    }
}
