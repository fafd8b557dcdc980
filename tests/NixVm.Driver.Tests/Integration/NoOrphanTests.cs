using System.Diagnostics;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>No QEMU, vde_switch or socket of ours outlives the network, however it ends.</summary>
public class NoOrphanTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Disposing_the_network_stops_every_process_and_removes_its_sockets()
    {
        var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "dispose-orphans");
        var state = network.StateDirectory;
        var running = OurProcesses.Mentioning(state).Where(p => OurProcesses.IsQemuOrVde(p.CommandLine)).ToList();
        Assert.Equal(3, running.Count);   // two QEMUs and one VLAN switch
        Assert.True(Path.Exists(Path.Combine(state, "vm-state-client", "qmp")));   // QEMU's own server socket

        await network.DisposeAsync();

        Assert.Empty(OurProcesses.Mentioning(state));
        Assert.False(Directory.Exists(state));
    }

    [Fact(Timeout = 600_000)]
    public async Task Killing_the_owner_with_SIGKILL_leaves_nothing_behind()
    {
        var manifest = await NixBuild.BuildAsync(TestNetwork.WebSample, "vms");
        using var temp = new TempDirectory();
        var (owner, ready) = await NixVmRunner.UpAsync(manifest, temp.File("up.json"), Repo.ResultsDirectory("sigkill-orphans"));
        using (owner) await KillAndCheckAsync(owner, ready.StateDirectory);
    }

    [Fact(Timeout = 600_000)]
    public async Task Killing_run_vms_with_SIGKILL_leaves_nothing_behind()
    {
        var vms = await NixBuild.BuildAsync(TestNetwork.WebSample, "vms");
        var psi = new ProcessStartInfo(Path.Combine(vms, "bin", "run-vms")) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["NIXVM_HOSTFWD"] = "";   // no forwards: other tests may hold the sample's host port
        using var owner = Process.Start(psi)!;
        // run-vms is for people: it says where its state is and when all machines are ready.
        const string marker = "state in ";
        string? state = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        while (await owner.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            TestContext.Current.TestOutputHelper?.WriteLine("run-vms: " + line);
            if (line.IndexOf(marker, StringComparison.Ordinal) is var at and >= 0) state ??= line[(at + marker.Length)..];
            if (line.StartsWith("all machines ready", StringComparison.Ordinal)) break;
        }
        Assert.NotNull(state);
        await KillAndCheckAsync(owner, state);
    }

    /// <summary>
    /// Kills a network owner whose machines are ready with SIGKILL (no chance to clean up) and
    /// checks that its QEMUs and VLAN switch die and its state directory goes.
    /// </summary>
    static async Task KillAndCheckAsync(Process owner, string state)
    {
        try
        {
            Assert.Equal(3, OurProcesses.Mentioning(state).Count(p => OurProcesses.IsQemuOrVde(p.CommandLine)));
        }
        finally
        {
            owner.Kill();
            await owner.WaitForExitAsync(Ct);
        }
        Assert.True(await OurProcesses.AllGoneAsync(state, TimeSpan.FromSeconds(20)),
            "still running: " + string.Join("\n", OurProcesses.Mentioning(state).Select(p => p.CommandLine)));
        var clock = Stopwatch.StartNew();
        while (Directory.Exists(state) && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100, Ct);
        Assert.False(Directory.Exists(state), $"{state} was not removed");
    }
}
