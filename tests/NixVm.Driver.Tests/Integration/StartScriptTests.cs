using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// The start scripts honour the NixOS conventions (TMPDIR + USE_TMPDIR, SHARED_DIR, QEMU_OPTS,
/// QEMU_NET_OPTS, QEMU_KERNEL_PARAMS, QEMU_VDE_SOCKET_&lt;vlan&gt;, "$@") and ours (NIXVM_ACCEL,
/// NIXVM_QEMU, NIXVM_HOSTFWD). NIXVM_QEMU points at a stand-in that records its arguments, so the
/// real start script of the web sample runs and nothing boots.
/// </summary>
public class StartScriptTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task The_start_script_passes_the_conventions_variables_to_qemu()
    {
        var vms = await NixBuild.BuildAsync(TestNetwork.WebSample, "vms");
        using var temp = new TempDirectory();
        var state = Directory.CreateDirectory(temp.File("state")).FullName;
        var (args, run) = await StartAsync(vms, "webserver", temp, new()
        {
            ["TMPDIR"] = state,
            ["USE_TMPDIR"] = "1",
            ["SHARED_DIR"] = temp.File("shared"),
            ["QEMU_VDE_SOCKET_1"] = temp.File("vde1.ctl"),
            ["QEMU_OPTS"] = "-S -no-shutdown",
            ["QEMU_NET_OPTS"] = "hostname=conventions",
            ["QEMU_KERNEL_PARAMS"] = "conventions.test=1",
            ["NIXVM_ACCEL"] = "kvm",
        });
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(["-S", "-no-shutdown", "--last", "word"], args[^4..]);   // QEMU_OPTS, then "$@"
        Assert.Equal("kvm", After("-accel"));
        Assert.EndsWith(" conventions.test=1", After("-append"));
        Assert.Contains(args, a => a.StartsWith($"local,path={state}/xchg,", StringComparison.Ordinal));
        Assert.Contains(args, a => a.StartsWith($"local,path={temp.File("shared")},", StringComparison.Ordinal));
        Assert.Contains(args, a => a.StartsWith("vde,id=vlan1,sock=" + temp.File("vde1.ctl"), StringComparison.Ordinal));
        // NIXVM_HOSTFWD unset: the declared forward (8081 -> 80), then QEMU_NET_OPTS.
        Assert.Equal("user,id=user.0,restrict=on,hostfwd=tcp:127.0.0.1:8081-:80,hostname=conventions", After("-netdev"));

        // NIXVM_HOSTFWD empty: no forward; NIXVM_ACCEL unset: TCG.
        (args, run) = await StartAsync(vms, "webserver", temp, new() { ["QEMU_VDE_SOCKET_1"] = temp.File("vde1.ctl"), ["NIXVM_HOSTFWD"] = "" });
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("user,id=user.0,restrict=on", After("-netdev"));
        Assert.StartsWith("tcg", After("-accel"));

        // A VLAN's switch socket is required.
        (_, run) = await StartAsync(vms, "client", temp, []);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("run-client-vm: QEMU_VDE_SOCKET_1 is not set; start the network with run-vms or the NixVm driver", run.Stderr);

        string After(string option) => args[args.IndexOf(option) + 1];
    }

    /// <summary>Runs bin/run-&lt;machine&gt;-vm with a stand-in QEMU that writes one argument a line; returns those.</summary>
    static async Task<(List<string> Args, Commands.Run Run)> StartAsync(string vms, string machine, TempDirectory temp, Dictionary<string, string?> environment)
    {
        var recorded = temp.File("qemu-args");
        var qemu = temp.File("qemu");
        await File.WriteAllTextAsync(qemu, $"#!/bin/sh\nprintf '%s\\n' \"$@\" >'{recorded}'\n", Ct);
        File.SetUnixFileMode(qemu, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(recorded);
        Dictionary<string, string?> env = new() { ["NIXVM_QEMU"] = qemu, ["NIXVM_ACCEL"] = null, ["NIXVM_HOSTFWD"] = null, ["TMPDIR"] = temp.Path };
        foreach (var (k, v) in environment) env[k] = v;
        var run = await Commands.HostProgramAsync(Path.Combine(vms, "bin", $"run-{machine}-vm"), ["--last", "word"], env);
        return (File.Exists(recorded) ? [.. (await File.ReadAllTextAsync(recorded, Ct)).TrimEnd('\n').Split('\n')] : [], run);
    }
}
