using System.Diagnostics;
using NixVm.Shared;

namespace NixVm.Driver.Processes;

/// <summary>
/// A child process that cannot outlive us: it runs in its own session (so we can kill its whole
/// process group) and carries SIGKILL as its parent-death signal. The pid we hold is the program's
/// own pid (setsid and setpriv exec, they do not fork), so there is no shell in between that could
/// swallow our signal.
/// </summary>
sealed class ChildProcess : IAsyncDisposable
{
    readonly Process process;

    ChildProcess(Process process) => this.process = process;

    public int Pid => process.Id;
    public StreamWriter StandardInput => process.StandardInput;
    public StreamReader StandardOutput => process.StandardOutput;
    public StreamReader StandardError => process.StandardError;
    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    public static async Task<ChildProcess> StartAsync(string program, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var setsid = HostTools.Find("setsid", "install util-linux");
        var setpriv = HostTools.Find("setpriv", "install util-linux");
        var info = new ProcessStartInfo(setsid)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var a in new[] { setpriv, "--pdeathsig", "KILL", "--", program }.Concat(args))
            info.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (key, value) in environment)
                if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;
        var process = await SpawnThread.Run(() => Process.Start(info)
            ?? throw new InvalidOperationException($"could not start {program}"));
        return new ChildProcess(process);
    }

    public Task WaitForExitAsync(CancellationToken ct = default) => process.WaitForExitAsync(ct);

    /// <summary>SIGKILL to the child's whole process group, then wait until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            Posix.Kill(-process.Id, Posix.SigKill);
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }
}
