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
        using var run = Start(workingDirectory, args, environment, ownSession: false);
        return await run.WaitAsync(timeout ?? TimeSpan.FromMinutes(10));
    }

    /// <summary>
    /// Starts dotnet and returns at once. With <paramref name="ownSession"/> it runs as a terminal
    /// would run it: in a session and process group of its own (its pid is the group: Ctrl-C is SIGINT
    /// to <c>-pid</c>), with SIGINT at its default action even when this test run ignores it.
    /// </summary>
    public static Running Start(string workingDirectory, IEnumerable<string> args,
        IDictionary<string, string?>? environment = null, bool ownSession = false)
    {
        var psi = new ProcessStartInfo(ownSession ? "env" : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // env and setsid exec: the pid is dotnet's own.
        foreach (var a in (ownSession ? ["--default-signal=INT", "setsid", "dotnet"] : Array.Empty<string>()).Concat(args))
            psi.ArgumentList.Add(a);
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
        return new Running(Process.Start(psi)!, string.Join(' ', args));
    }

    /// <summary>A dotnet command that is running; its output is collected as it comes.</summary>
    public sealed class Running : IDisposable
    {
        readonly Process process;
        readonly string command;
        readonly StringBuilder output = new();
        readonly Lock gate = new();

        internal Running(Process process, string command)
        {
            this.process = process;
            this.command = command;
            process.OutputDataReceived += (_, e) => Collect(e.Data);
            process.ErrorDataReceived += (_, e) => Collect(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        void Collect(string? line)
        {
            if (line is not null) lock (gate) output.AppendLine(line);
        }

        public int Pid => process.Id;
        public bool HasExited => process.HasExited;

        public string Output
        {
            get { lock (gate) return output.ToString(); }
        }

        public async Task<Result> WaitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try { await process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet {command} did not finish:\n{Output}");
            }
            process.WaitForExit();
            return new Result(process.ExitCode, Output);
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
