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

    /// <summary><c>nixvm-runner doctor</c>'s output in an environment.</summary>
    public static async Task<string> DoctorAsync(IDictionary<string, string?> environment)
    {
        using var doctor = Process.Start(StartInfo(["doctor"], environment))!;
        var output = await doctor.StandardOutput.ReadToEndAsync(Ct);
        await doctor.WaitForExitAsync(Ct);
        return output;
    }
}
