using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Unit;

public class RunnerReadyTests
{
    [Fact]
    public void The_ready_file_round_trips_and_replaces_an_old_one_whole()
    {
        using var temp = new TempDirectory();
        var path = temp.File("up.json");
        Assert.Null(RunnerReady.Read(path));
        File.WriteAllText(path, "left over from a killed runner, not JSON");

        var ready = new RunnerReady("tcg", "/run/state \"quoted\"",
            [new ReadyMachine("web", "/run/state/vm-state-web", 1.5, [new ReadyForward(HostPort: 8080, GuestPort: 80)])]);
        ready.Write(path);

        var read = RunnerReady.Read(path)!;
        Assert.Equal(ready.StateDirectory, read.StateDirectory);
        Assert.Equal(8080, read.Machines.Single().Forwards.Single().HostPort);
        Assert.Equal(["up.json"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
        Assert.Equal(["web: ready in 1.50 s, state /run/state/vm-state-web, forwards 127.0.0.1:8080 -> web:80", "state: /run/state \"quoted\""],
            read.Describe());
    }
}
