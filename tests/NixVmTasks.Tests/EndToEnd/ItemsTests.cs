using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>A service declared as a VirtualMachineService item runs in the guest as its metadata says.</summary>
public sealed class ItemsTests(LocalFeed feed)
{
    const string Service = """
            <VirtualMachineService Include="echo" Machine="client" User="svc" Environment="GREETING=hi;OTHER=x"
                                   Directories="/srv/echo" WorkingDirectory="/srv/echo" Ready="tcp:7000" Logs="/srv/echo/out"
                                   Command="echo &quot;$GREETING %24(id -un) %24(pwd)&quot; &gt; out; exec busybox httpd -f -p 7000 -h /srv/echo" />
        """;

    const string Check = """
            [Fact]
            public async Task The_item_service_runs_as_declared()
            {
                var page = await network["client"].SucceedAsync("wget -qO- http://127.0.0.1:7000/out", ct: TestContext.Current.CancellationToken);
                Assert.Equal("hi svc /srv/echo\n", page);
            }
        """;

    [Fact(Timeout = 900_000)]
    public async Task A_VirtualMachineService_item_runs_with_its_user_environment_directories_ready_check_and_logs()
    {
        using var project = new TestProject(feed, extraItems: Service, extraTests: Check);
        var build = await project.BuildAsync();
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("NixVm: VM tests: 3 passed, 0 failed, 0 skipped", build.Output);
        var logs = Path.Combine(project.ResultsDirectory, "logs");
        Assert.Equal("hi svc /srv/echo\n", await File.ReadAllTextAsync(Path.Combine(logs, "client", "srv", "echo", "out"), TestContext.Current.CancellationToken));
        Assert.True(File.Exists(Path.Combine(logs, "client.echo.log")));
        Assert.Empty(project.LeftoverProcesses());
    }
}
