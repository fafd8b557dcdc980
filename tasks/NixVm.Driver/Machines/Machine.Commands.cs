using System.Text.RegularExpressions;

namespace NixVm.Driver.Machines;

public sealed partial class Machine
{
    /// <summary>
    /// Runs a bash command as root in the guest (starting and waiting for the machine if needed) and
    /// returns its status, stdout and stderr. Like the nixpkgs driver, the command runs under
    /// <c>set -euo pipefail</c>. On timeout or cancellation the command and all its processes are killed.
    /// </summary>
    public async Task<ExecResult> ExecuteAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        await WaitForReadyAsync(ct);
        try
        {
            return await shell!.ExecuteAsync(command, timeout ?? context.Options.CommandTimeout, ct);
        }
        catch (EndOfStreamException)
        {
            var reason = await FailureReasonAsync();
            await StopProcessAsync();
            throw new MachineFailedException(Name, $"lost the guest shell while running `{command}`: {reason}");
        }
    }

    /// <summary>Runs each command, requiring exit status 0; returns their stdout concatenated.</summary>
    public async Task<string> SucceedAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var r = await ExecuteAsync(command, timeout, ct);
        if (r.ExitCode != 0) throw new CommandFailedException(Name, command, r, "failed");
        return r.Stdout;
    }

    /// <summary>Runs a command that must fail (non-zero exit status); returns its stdout.</summary>
    public async Task<string> FailAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var r = await ExecuteAsync(command, timeout, ct);
        if (r.ExitCode == 0) throw new CommandFailedException(Name, command, r, "succeeded but was expected to fail");
        return r.Stdout;
    }

    /// <summary>Repeats a command until it succeeds; returns its stdout.</summary>
    public Task<string> WaitUntilSucceedsAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default) =>
        RetryAsync(command, wantSuccess: true, timeout, ct);

    /// <summary>Repeats a command until it fails; returns its stdout.</summary>
    public Task<string> WaitUntilFailsAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default) =>
        RetryAsync(command, wantSuccess: false, timeout, ct);

    public Task WaitForOpenPortAsync(int port, string address = "localhost", TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitUntilSucceedsAsync($"nc -z {Shell.Quote(address)} {port}", timeout, ct);

    public Task WaitForClosedPortAsync(int port, string address = "localhost", TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitUntilFailsAsync($"nc -z {Shell.Quote(address)} {port}", timeout, ct);

    public Task WaitForFileAsync(string path, TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitUntilSucceedsAsync($"test -e {Shell.Quote(path)}", timeout, ct);

    /// <summary>Waits until a systemd unit is active (NixOS guests); fails at once if it failed.</summary>
    public async Task WaitForUnitAsync(string unit, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var limit = timeout ?? context.Options.WaitTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limit);
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var r = await ExecuteAsync($"systemctl show {Shell.Quote(unit)} --property=ActiveState --value", ct: ct);
            if (r.ExitCode == 127) throw new InvalidOperationException($"machine '{Name}' has no systemctl: WaitForUnitAsync needs a systemd guest (the nixos backend)");
            var state = r.Stdout.Trim();
            if (state == "active") return;
            if (state == "failed") throw new CommandFailedException(Name, $"systemctl status {unit}", r, $"reports unit \"{unit}\" failed");
            try { await Task.Delay(delay, deadline.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"machine '{Name}': unit \"{unit}\" not active after {limit.TotalSeconds:0} s (state: {state})");
            }
            delay = Next(delay);
        }
    }

    /// <summary>Waits until a serial-console line (since the latest start) matches the pattern.</summary>
    public async Task<Match> WaitForConsoleTextAsync(string pattern, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        if (console is null) throw new InvalidOperationException($"machine '{Name}' has not been started");
        var limit = timeout ?? context.Options.WaitTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limit);
        try { return await console.WaitForTextAsync(new Regex(pattern), 0, deadline.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"machine '{Name}': no console line matched /{pattern}/ within {limit.TotalSeconds:0} s");
        }
    }

    async Task<string> RetryAsync(string command, bool wantSuccess, TimeSpan? timeout, CancellationToken ct)
    {
        var limit = timeout ?? context.Options.WaitTimeout;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(100);
        ExecResult? last = null;
        while (true)
        {
            var remaining = limit - clock.Elapsed;
            if (remaining > TimeSpan.Zero)
            {
                try { last = await ExecuteAsync(command, remaining, ct); }
                catch (CommandTimeoutException e) { last = e.Partial; }
                if ((last.ExitCode == 0) == wantSuccess) return last.Stdout;
            }
            if (clock.Elapsed + delay >= limit)
                throw new TimeoutException($"machine '{Name}': `{command}` did not {(wantSuccess ? "succeed" : "fail")} within {limit.TotalSeconds:0.#} s"
                    + (last is null ? "" : $" (last exit code {last.ExitCode}{(last.StderrBytes.Length > 0 ? ", stderr: " + last.Stderr.Trim() : "")})"));
            await Task.Delay(delay, ct);
            delay = Next(delay);
        }
    }

    static TimeSpan Next(TimeSpan delay) => TimeSpan.FromMilliseconds(Math.Min(1000, delay.TotalMilliseconds * 2));
}

/// <summary>POSIX shell quoting for values the driver puts into guest commands.</summary>
public static class Shell
{
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
