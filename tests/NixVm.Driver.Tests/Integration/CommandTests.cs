using System.Security.Cryptography;
using System.Text;
using NixVm.Driver.Machines;
using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Integration;

public class CommandTests(WebNetworkFixture fixture) : IClassFixture<WebNetworkFixture>
{
    Machine Client => fixture.Network["client"];
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Exit_code_stdout_and_stderr_come_back_separately()
    {
        var r = await Client.ExecuteAsync("echo out; echo err >&2; printf 'no newline'; exit 3", ct: Ct);
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out\nno newline", r.Stdout);
        Assert.Equal("err\n", r.Stderr);
    }

    [Fact(Timeout = 600_000)]
    public async Task Succeed_and_fail_check_the_status()
    {
        Assert.Equal("ok\n", await Client.SucceedAsync("echo ok", ct: Ct));
        var e = await Assert.ThrowsAsync<CommandFailedException>(() => Client.SucceedAsync("echo oops >&2; false", ct: Ct));
        Assert.Contains("exit code 1", e.Message);
        Assert.Contains("oops", e.Message);
        Assert.Equal(("client", "echo oops >&2; false", 1), (e.Machine, e.Command, e.Result.ExitCode));
        await Client.FailAsync("test -e /nonexistent", ct: Ct);
        await Assert.ThrowsAsync<CommandFailedException>(() => Client.FailAsync("true", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task One_MiB_of_binary_output_is_returned_exactly()
    {
        var r = await Client.ExecuteAsync("head -c 1048576 /dev/urandom > /tmp/blob && cat /tmp/blob", ct: Ct);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(1048576, r.StdoutBytes.Length);
        var guestHash = (await Client.SucceedAsync("sha256sum /tmp/blob | cut -d' ' -f1", ct: Ct)).Trim();
        Assert.Equal(guestHash, Convert.ToHexString(SHA256.HashData(r.StdoutBytes)).ToLowerInvariant());
    }

    [Fact(Timeout = 600_000)]
    public async Task Binary_stderr_is_returned_exactly()
    {
        var r = await Client.ExecuteAsync("printf '\\000\\001\\377\\n\\r' >&2", ct: Ct);
        Assert.Equal(new byte[] { 0, 1, 255, 10, 13 }, r.StderrBytes);
    }

    [Fact(Timeout = 600_000)]
    public async Task Output_that_contains_the_framing_markers_is_just_output()
    {
        var r = await Client.ExecuteAsync(
            "printf '\\036NIXVM-END:0123456789abcdef:0\\n'; printf '\\036NIXVM-END:'; echo; echo 'Spawning backdoor root shell...'; printf '\\036NIXVM-END:setup:0\\n'", ct: Ct);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("\u001eNIXVM-END:0123456789abcdef:0\n\u001eNIXVM-END:\nSpawning backdoor root shell...\n\u001eNIXVM-END:setup:0\n", r.Stdout);
        Assert.Equal("still in step\n", await Client.SucceedAsync("echo still in step", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task A_command_sees_neither_its_text_nor_its_id_so_it_cannot_end_its_own_output()
    {
        var r = await Client.ExecuteAsync("echo \"[${1-}][${2-}][$#][${__nixvm_cmd-}]\"; printf '\\036NIXVM-END:%s:0\\n' \"${2-}\"; echo after", ct: Ct);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("[][][0][]\n\u001eNIXVM-END::0\nafter\n", r.Stdout);
        Assert.Equal("in step\n", await Client.SucceedAsync("echo in step", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Commands_with_quotes_newlines_and_syntax_errors_do_not_wedge_the_shell()
    {
        Assert.Equal("it's \"fine\"\nsecond\n", await Client.SucceedAsync("echo \"it's \\\"fine\\\"\"\necho second", ct: Ct));
        var r = await Client.ExecuteAsync("echo 'unterminated", ct: Ct);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("next\n", await Client.SucceedAsync("echo next", ct: Ct));
        var exit = await Client.ExecuteAsync("exit 7", ct: Ct);
        Assert.Equal(7, exit.ExitCode);
        Assert.Equal("alive\n", await Client.SucceedAsync("echo alive", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Commands_read_no_input_from_the_shell()
    {
        Assert.Equal("", await Client.SucceedAsync("cat", timeout: TimeSpan.FromSeconds(30), ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task A_command_that_outlives_its_timeout_is_killed_with_its_children()
    {
        // Not honoured, the command would end after 300 s without an exception.
        var e = await Assert.ThrowsAsync<CommandTimeoutException>(() =>
            Client.ExecuteAsync("echo started; sleep 300 | cat; echo never", TimeSpan.FromSeconds(1), Ct));
        Assert.Equal(("client", TimeSpan.FromSeconds(1)), (e.Machine, e.Timeout));
        Assert.Equal("started\n", e.Partial.Stdout);
        Assert.Equal(137, e.Partial.ExitCode);
        Assert.Equal("", await Client.SucceedAsync("pgrep -x sleep || true", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Cancellation_stops_the_guest_command()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.ExecuteAsync("sleep 300", ct: cts.Token));
        Assert.Equal("", await Client.SucceedAsync("pgrep -x sleep || true", ct: Ct));
    }

    // The soak's race, forced: the guest's watcher (which kills the job a request names) is stopped,
    // so the request for a cancelled command is read only after that command ended by itself. The
    // watcher is let go once the next command runs (or after 6 s: the driver sends the next command
    // only after the watcher's answer), and that command must not be the one killed.
    [Fact(Timeout = 600_000)]
    public async Task A_kill_request_that_arrives_after_its_command_ended_does_not_touch_the_next_command()
    {
        var watcher = (await Client.SucceedAsync("""
            for p in /proc/[0-9]*; do
              read -r s 2>/dev/null <"$p/stat" || continue
              r=${s##*) }; r=${r#* }; r=${r%% *}
              if [ "$r" = "$$" ] && [ "${p#/proc/}" != "$BASHPID" ]; then w=${p#/proc/}; fi
            done
            kill -STOP "$w"
            rm -f /tmp/next-started
            ( i=0; while [ ! -e /tmp/next-started ] && [ $i -lt 60 ]; do sleep 0.1; i=$((i + 1)); done; kill -CONT "$w" ) </dev/null >/dev/null 2>&1 &
            echo "$w"
            """, ct: Ct)).Trim();

        // A cancellation here, a timeout below: both ask the guest the same way.
        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            cancel.CancelAfter(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.ExecuteAsync("sleep 3", ct: cancel.Token));
        }

        // Waits until the watcher sleeps in its read again, i.e. has dealt with the request.
        Assert.Equal("survived\n", await Client.SucceedAsync($$"""
            touch /tmp/next-started
            until read -r s <"/proc/{{watcher}}/stat" && s=${s##*) } && [ "${s%% *}" = S ]; do sleep 0.05; done
            rm /tmp/next-started
            echo survived
            """, ct: Ct));
    }

    // The other side of that race: a long command line, which the shell reads byte by byte, so the
    // timeout's request reaches the watcher before the job exists.
    [Fact(Timeout = 600_000)]
    public async Task A_kill_request_that_arrives_before_its_command_started_still_kills_it()
    {
        var command = $": '{new string('x', 100_000)}'; sleep 300";
        var e = await Assert.ThrowsAsync<CommandTimeoutException>(() => Client.ExecuteAsync(command, TimeSpan.FromMilliseconds(1), Ct));
        Assert.Equal(137, e.Partial.ExitCode);
        Assert.Equal("", await Client.SucceedAsync("pgrep -x sleep || true", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Waits_poll_until_the_condition_holds()
    {
        await Client.SucceedAsync("(sleep 1; touch /tmp/later) >/dev/null 2>&1 &", ct: Ct);
        await Client.WaitForFileAsync("/tmp/later", TimeSpan.FromSeconds(60), Ct);
        await fixture.Network["webserver"].WaitForOpenPortAsync(80, timeout: TimeSpan.FromSeconds(60), ct: Ct);
        await Client.WaitForClosedPortAsync(81, "webserver", TimeSpan.FromSeconds(60), Ct);
        var e = await Assert.ThrowsAsync<MachineTimeoutException>(() => Client.WaitUntilSucceedsAsync("echo nope >&2; false", TimeSpan.FromSeconds(2), Ct));
        Assert.Contains("nope", e.Message);
        Assert.Equal("echo nope >&2; false", e.Command);
        await Client.WaitForConsoleTextAsync(Contract.Guest.ReadyBanner, TimeSpan.FromSeconds(5), Ct);

        await Client.SucceedAsync("touch /tmp/going; (sleep 1; rm /tmp/going) >/dev/null 2>&1 &", ct: Ct);
        await Client.WaitUntilFailsAsync("test -e /tmp/going", TimeSpan.FromSeconds(60), Ct);
        var stays = await Assert.ThrowsAsync<MachineTimeoutException>(() => Client.WaitUntilFailsAsync("true", TimeSpan.FromSeconds(2), Ct));
        Assert.Equal("true", stays.Command);
    }

    [Fact(Timeout = 600_000)]
    public async Task Text_sent_to_the_console_is_read_from_the_guests_serial_port()
    {
        // The console is a terminal (a line at a time); what is typed before the reader opens it waits in its buffer.
        await Client.SucceedAsync("(read -r line </dev/ttyS0; echo \"$line\" >/tmp/typed.part; mv /tmp/typed.part /tmp/typed) >/dev/null 2>&1 &", ct: Ct);
        await Client.SendConsoleAsync("typed on the console\n", Ct);
        await Client.WaitForFileAsync("/tmp/typed", TimeSpan.FromSeconds(60), Ct);
        Assert.Equal("typed on the console\n", await Client.SucceedAsync("cat /tmp/typed", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Files_copy_both_ways_through_the_shared_directory()
    {
        using var temp = new TempDirectory();
        var dir = temp.Path;
        var file = Path.Combine(dir, "hello.txt");
        await File.WriteAllTextAsync(file, "from the host", Ct);
        await Client.CopyFromHostAsync(file, "/root/in/hello.txt", Ct);
        Assert.Equal("from the host", await Client.SucceedAsync("cat /root/in/hello.txt", ct: Ct));
        await Client.SucceedAsync("echo from the guest > /tmp/back.txt", ct: Ct);
        var back = await Client.CopyToHostAsync("/tmp/back.txt", Path.Combine(dir, "out"), Ct);
        Assert.Equal("from the guest\n", await File.ReadAllTextAsync(back, Encoding.UTF8, Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task The_monitor_answers()
    {
        var status = await Client.SendMonitorCommandAsync("info status", Ct);
        Assert.Contains("running", status);
    }
}
