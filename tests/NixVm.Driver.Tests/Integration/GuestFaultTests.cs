using NixVm.Driver.Machines;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// A guest fault ends its machine with the reason (MachineFailedException) once; later calls fail at
/// once, and nothing boots the machine again until StartAsync.
/// </summary>
public class GuestFaultTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The test's own Timeout is what catches a second call that waits for the stopped shell.
    [Fact(Timeout = 300_000)]
    public async Task A_stopped_shell_fails_its_machine_once_and_later_calls_fail_at_once()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "hung-shell");
        var client = network["client"];

        var e = await Assert.ThrowsAsync<MachineFailedException>(() => client.ExecuteAsync("kill -STOP $$", TimeSpan.FromSeconds(2), Ct));
        Assert.Contains("lost the guest shell while running `kill -STOP $$`: the guest did not stop `kill -STOP $$` within 15 s of being asked to; the shell is out of step", e.Reason);
        Assert.False(client.IsRunning);

        var again = await Assert.ThrowsAsync<MachineFailedException>(() => client.ExecuteAsync("echo hello", TimeSpan.FromMinutes(10), Ct));
        Assert.Equal("client", again.Machine);
        Assert.Contains("it failed earlier (StartAsync boots it again): " + e.Reason, again.Reason);
        Assert.False(client.IsRunning);   // nothing booted it again unasked

        await client.StartAsync(Ct);
        Assert.Equal("back\n", await client.SucceedAsync("echo back", ct: Ct));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_kernel_panic_fails_the_machine_with_the_panic_text_and_does_not_reboot_it()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "kernel-panic");
        var client = network["client"];

        var e = await Assert.ThrowsAsync<MachineFailedException>(() => client.ExecuteAsync("echo c > /proc/sysrq-trigger", ct: Ct));
        Assert.Contains("the guest kernel panicked: sysrq triggered crash", e.Reason);
        Assert.False(client.IsRunning);

        var again = await Assert.ThrowsAsync<MachineFailedException>(() => client.ExecuteAsync("echo hello", ct: Ct));
        Assert.Contains("it failed earlier (StartAsync boots it again): " + e.Reason, again.Reason);
        Assert.False(client.IsRunning);   // no silent reboot
        Assert.Equal("alive\n", await network["webserver"].SucceedAsync("echo alive", ct: Ct));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_kernel_panic_while_no_call_waits_fails_the_next_call_and_does_not_reboot_the_machine()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "idle-panic");
        var client = network["client"];

        await client.SucceedAsync("(sleep 1; echo c > /proc/sysrq-trigger) </dev/null >/dev/null 2>&1 &", ct: Ct);
        while (client.IsRunning) await Task.Delay(100, Ct);

        var e = await Assert.ThrowsAsync<MachineFailedException>(() => client.ExecuteAsync("echo hello", ct: Ct));
        Assert.Contains("the guest kernel panicked: sysrq triggered crash", e.Reason);
        Assert.False(client.IsRunning);   // no silent reboot
    }

    [Fact(Timeout = 300_000)]
    public async Task A_shell_that_goes_away_or_a_QEMU_that_exits_fails_its_machine_once()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "shell-gone-qemu-gone");
        var client = network["client"];
        var webserver = network["webserver"];

        var shellGone = await Assert.ThrowsAsync<MachineFailedException>(() => client.ExecuteAsync("kill -9 $$; sleep 60", ct: Ct));
        Assert.Contains("lost the guest shell while running `kill -9 $$; sleep 60`: the guest shell exited and was restarted", shellGone.Reason);

        var qemu = webserver.ProcessId!.Value;
        var running = webserver.ExecuteAsync("sleep 60", ct: Ct);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);   // the command is on its way (it fails the same way if not yet)
        System.Diagnostics.Process.GetProcessById(qemu).Kill();
        var qemuGone = await Assert.ThrowsAsync<MachineFailedException>(() => running);
        Assert.Contains("QEMU exited", qemuGone.Reason);

        foreach (var (machine, first) in new[] { (client, shellGone), (webserver, qemuGone) })
        {
            Assert.False(machine.IsRunning);
            var again = await Assert.ThrowsAsync<MachineFailedException>(() => machine.ExecuteAsync("echo hello", ct: Ct));
            Assert.Contains("it failed earlier (StartAsync boots it again): " + first.Reason, again.Reason);
            Assert.False(machine.IsRunning);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task A_backdoor_killed_by_the_out_of_memory_killer_fails_the_machine_with_that_reason()
    {
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "oom-backdoor");
        var client = network["client"];

        // The shell offers itself as the OOM killer's first victim, then the command takes twice the machine's memory.
        var e = await Assert.ThrowsAsync<MachineFailedException>(() => client.ExecuteAsync("""
            echo 1000 > /proc/$$/oom_score_adj
            kib=$(awk '/MemTotal/ { print 2 * $2 }' /proc/meminfo)
            head -c "${kib}K" /dev/zero | tail -c "${kib}K" > /dev/null
            """, ct: Ct));
        Assert.Matches(@"the guest failed: the backdoor shell was killed by the kernel's out-of-memory killer \(.*Killed process \d+ \(bash\)", e.Reason);
        Assert.False(client.IsRunning);
        var again = await Assert.ThrowsAsync<MachineFailedException>(() => client.ExecuteAsync("echo hello", ct: Ct));
        Assert.Contains(e.Reason, again.Reason);
    }

    // This host's KVM cannot run a guest (README): QEMU reports a KVM internal error and pauses the
    // guest without exiting. The boot timeout is 10 min here, so only an early failure passes in time.
    [Fact(Timeout = 400_000)]
    public async Task KVM_that_cannot_run_the_guest_is_one_clear_error_at_once()
    {
        if (!File.Exists("/dev/kvm")) Assert.Fail("this test needs /dev/kvm (a host whose KVM is present)");
        await using var network = await TestNetwork.CreateAsync(TestNetwork.WebSample, "kvm-internal-error",
            configure: o => o with { Accelerator = AcceleratorMode.Kvm, BootTimeout = TimeSpan.FromMinutes(10) });
        Exception e;
        try { await network["client"].WaitForReadyAsync(Ct); return; }   // a host whose KVM works: nothing to report
        catch (Exception failure) { e = failure; }
        var failed = Assert.IsType<MachineFailedException>(e);
        Assert.Contains("KVM internal error", failed.Reason);
        Assert.Contains("use the tcg accelerator", failed.Reason);
    }
}
