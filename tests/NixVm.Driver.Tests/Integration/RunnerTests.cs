using System.Diagnostics;
using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Integration;

/// <summary>nixvm-runner up, as NixVmUp starts it: readiness is a file, not a line of its output.</summary>
public class RunnerTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Up_writes_the_ready_file_once_every_machine_is_ready()
    {
        var manifest = await NixBuild.BuildAsync(TestNetwork.WebSample, "vms");
        using var temp = new TempDirectory();
        var readyFile = temp.File("up.json");
        var runner = Path.Combine(AppContext.BaseDirectory, "nixvm-runner.dll");
        var psi = new ProcessStartInfo("dotnet", [runner, "up", "--manifest", manifest, "--remap-ports", "--accelerator", "tcg",
            "--logs", Repo.ResultsDirectory("runner-ready-file"), "--ready-file", readyFile])
        { RedirectStandardOutput = true };
        using var owner = Process.Start(psi)!;
        var output = owner.StandardOutput.ReadToEndAsync(Ct);
        try
        {
            while (RunnerReady.Read(readyFile) is null)
            {
                if (owner.HasExited) Assert.Fail("the runner exited before it was ready:\n" + await output);
                await Task.Delay(200, Ct);
            }
            var ready = RunnerReady.Read(readyFile)!;
            Assert.Equal("tcg", ready.Accelerator);
            Assert.Equal(["client", "webserver"], ready.Machines.Select(m => m.Name).Order());
            Assert.All(ready.Machines, m => Assert.True(Directory.Exists(m.StateDirectory), m.StateDirectory));
            var forward = ready.Machines.Single(m => m.Name == "webserver").Forwards.Single();
            Assert.Equal(80, forward.GuestPort);
            Assert.NotEqual(0, forward.HostPort);
            Assert.Equal([readyFile], Directory.GetFiles(temp.Path));   // no temporary file left beside it
        }
        finally
        {
            Posix.Kill(owner.Id, Posix.SigTerm);
            await owner.WaitForExitAsync(Ct);
        }
        Assert.Equal(0, owner.ExitCode);
        Assert.False(File.Exists(readyFile), "the runner stopped but left its ready file");
    }
}
