using System.Text.RegularExpressions;

namespace NixVm.Driver.Machines;

public sealed partial class Machine
{
    /// <summary>
    /// Runs a bash command as root in the guest (starting and waiting for the machine if needed) and
    /// returns its status, stdout and stderr. Like the nixpkgs driver, the command runs under
    /// <c>set -euo pipefail</c>. On timeout or cancellation the command and all its processes are killed.
    /// A non-zero exit status is returned, not thrown.
    /// </summary>
    /// <param name="command">A bash command line (may span lines).</param>
    /// <param name="timeout">How long it may run (default <see cref="NetworkOptions.CommandTimeout"/>).</param>
    /// <param name="ct">Kills the command and throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="CommandTimeoutException">The command did not finish within the timeout and was killed.</exception>
    /// <exception cref="CommandOutputLimitException">The command wrote more than <see cref="NetworkOptions.MaxCommandOutputBytes"/> and was killed (the machine stays usable).</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed while the command ran (the machine is stopped).</exception>
    public Task<ExecResult> ExecuteAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default) =>
        RunAsync(command, null, timeout, ct);

    /// <summary>
    /// Runs a bash command like <see cref="ExecuteAsync"/>, but writes its stdout to
    /// <paramref name="stdout"/> as it arrives, with no size limit (for gigabytes of output); the
    /// result's <see cref="ExecResult.StdoutBytes"/> is empty. Stderr is returned as usual.
    /// </summary>
    /// <param name="command">A bash command line (may span lines).</param>
    /// <param name="stdout">Receives the command's stdout (for example a <see cref="FileStream"/>); not closed.</param>
    /// <param name="timeout">How long it may run (default <see cref="NetworkOptions.CommandTimeout"/>).</param>
    /// <param name="ct">Kills the command and throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="CommandTimeoutException">The command did not finish within the timeout and was killed.</exception>
    /// <exception cref="CommandOutputLimitException">The command wrote more than <see cref="NetworkOptions.MaxCommandOutputBytes"/> to stderr and was killed.</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed while the command ran (the machine is stopped).</exception>
    public Task<ExecResult> ExecuteToStreamAsync(string command, Stream stdout, TimeSpan? timeout = null, CancellationToken ct = default) =>
        RunAsync(command, stdout ?? throw new ArgumentNullException(nameof(stdout)), timeout, ct);

    async Task<ExecResult> RunAsync(string command, Stream? stdout, TimeSpan? timeout, CancellationToken ct)
    {
        await WaitForReadyAsync(ct);
        try
        {
            return await boot!.Shell.ExecuteAsync(command, timeout ?? context.Options.CommandTimeout, context.Options.MaxCommandOutputBytes, stdout, ct);
        }
        catch (EndOfStreamException e)
        {
            throw await FailAsync($"lost the guest shell while running `{command}`: {await FailureReasonAsync(e.Message)}");
        }
    }

    /// <summary>Runs a command that must succeed (exit status 0); returns its stdout.</summary>
    /// <exception cref="CommandFailedException">The command exited with another status (the message has its stderr).</exception>
    /// <exception cref="CommandTimeoutException">The command did not finish within the timeout and was killed.</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed while the command ran.</exception>
    public async Task<string> SucceedAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var r = await ExecuteAsync(command, timeout, ct);
        if (r.ExitCode != 0) throw new CommandFailedException(Name, command, r, "failed");
        return r.Stdout;
    }

    /// <summary>Runs a command that must fail (non-zero exit status); returns its stdout.</summary>
    /// <exception cref="CommandFailedException">The command exited with status 0.</exception>
    /// <exception cref="CommandTimeoutException">The command did not finish within the timeout and was killed.</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed while the command ran.</exception>
    public async Task<string> FailAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var r = await ExecuteAsync(command, timeout, ct);
        if (r.ExitCode == 0) throw new CommandFailedException(Name, command, r, "succeeded but was expected to fail");
        return r.Stdout;
    }

    /// <summary>
    /// Repeats a command (with a growing pause, up to 1 s) until it succeeds; returns its stdout.
    /// Each try may run for what is left of the timeout.
    /// </summary>
    /// <param name="command">A bash command line.</param>
    /// <param name="timeout">How long to keep trying (default <see cref="NetworkOptions.WaitTimeout"/>).</param>
    /// <param name="ct">Stops trying and throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="MachineTimeoutException">It did not succeed in time (the message has the last exit code and stderr).</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed meanwhile.</exception>
    public Task<string> WaitUntilSucceedsAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default) =>
        RetryAsync(command, wantSuccess: true, timeout, ct);

    /// <summary>Repeats a command until it fails (non-zero exit status); returns its stdout. Otherwise like <see cref="WaitUntilSucceedsAsync"/>.</summary>
    /// <exception cref="MachineTimeoutException">It did not fail in time.</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed meanwhile.</exception>
    public Task<string> WaitUntilFailsAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default) =>
        RetryAsync(command, wantSuccess: false, timeout, ct);

    /// <summary>Waits until something in the guest accepts TCP connections on <paramref name="address"/>:<paramref name="port"/> (<c>nc -z</c>).</summary>
    /// <exception cref="MachineTimeoutException">The port did not open within the timeout (default <see cref="NetworkOptions.WaitTimeout"/>).</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed meanwhile.</exception>
    public Task WaitForOpenPortAsync(int port, string address = "localhost", TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitUntilSucceedsAsync($"nc -z {Shell.Quote(address)} {port}", timeout, ct);

    /// <summary>Waits until nothing in the guest accepts TCP connections on <paramref name="address"/>:<paramref name="port"/>.</summary>
    /// <exception cref="MachineTimeoutException">The port was still open after the timeout (default <see cref="NetworkOptions.WaitTimeout"/>).</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed meanwhile.</exception>
    public Task WaitForClosedPortAsync(int port, string address = "localhost", TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitUntilFailsAsync($"nc -z {Shell.Quote(address)} {port}", timeout, ct);

    /// <summary>Waits until a path exists in the guest.</summary>
    /// <exception cref="MachineTimeoutException">It did not appear within the timeout (default <see cref="NetworkOptions.WaitTimeout"/>).</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed meanwhile.</exception>
    public Task WaitForFileAsync(string path, TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitUntilSucceedsAsync($"test -e {Shell.Quote(path)}", timeout, ct);

    /// <summary>Waits until a systemd unit is active (NixOS guests); fails at once if it failed.</summary>
    /// <exception cref="CommandFailedException">The unit failed.</exception>
    /// <exception cref="MachineTimeoutException">It was not active within the timeout (default <see cref="NetworkOptions.WaitTimeout"/>).</exception>
    /// <exception cref="InvalidOperationException">The guest has no systemd (a host-backend machine).</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed meanwhile.</exception>
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
                throw new MachineTimeoutException(Name, $"unit \"{unit}\" not active after {limit.TotalSeconds:0} s (state: {state})", limit);
            }
            delay = Next(delay);
        }
    }

    /// <summary>Waits until a serial-console line (since the latest start) matches the pattern; returns the match.</summary>
    /// <param name="pattern">A .NET regular expression, matched against each line.</param>
    /// <param name="timeout">How long to wait (default <see cref="NetworkOptions.WaitTimeout"/>).</param>
    /// <param name="ct">Stops waiting and throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="MachineTimeoutException">No line matched in time.</exception>
    /// <exception cref="MachineFailedException">QEMU exited before a line matched.</exception>
    /// <exception cref="InvalidOperationException">The machine has not been started.</exception>
    public async Task<Match> WaitForConsoleTextAsync(string pattern, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        if (lastConsole is not { } console) throw new InvalidOperationException($"machine '{Name}' has not been started");
        var limit = timeout ?? context.Options.WaitTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limit);
        try { return await console.WaitForTextAsync(new Regex(pattern), 0, deadline.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new MachineTimeoutException(Name, $"no console line matched /{pattern}/ within {limit.TotalSeconds:0} s", limit);
        }
        catch (EndOfStreamException e)
        {
            throw new MachineFailedException(Name, $"{e.Message} before a console line matched /{pattern}/");
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
                throw new MachineTimeoutException(Name, $"`{command}` did not {(wantSuccess ? "succeed" : "fail")} within {limit.TotalSeconds:0.#} s"
                    + (last is null ? "" : $" (last exit code {last.ExitCode}{(last.StderrBytes.Length > 0 ? ", stderr: " + last.Stderr.Trim() : "")})"), limit, command);
            await Task.Delay(delay, ct);
            delay = Next(delay);
        }
    }

    static TimeSpan Next(TimeSpan delay) => TimeSpan.FromMilliseconds(Math.Min(1000, delay.TotalMilliseconds * 2));
}
