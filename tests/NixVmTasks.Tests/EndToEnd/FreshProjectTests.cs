using System.Xml.Linq;
using NixVm.Shared;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>The packed NixVmTasks in a fresh test project outside the repository, built with the real dotnet CLI.</summary>
public sealed class FreshProjectTests(LocalFeed feed)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 900_000)]
    public async Task Build_boots_the_vms_runs_the_tests_and_leaves_nothing_running()
    {
        using var project = new TestProject(feed);
        var build = await project.BuildAsync();
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("NixVm: built network 'web-vmtests'", build.Output);
        Assert.Contains("NixVm: VM tests: 2 passed, 0 failed, 0 skipped", build.Output);

        var names = XDocument.Load(project.JUnitFile).Descendants("testcase").Select(t => t.Attribute("name")!.Value).ToList();
        Assert.Contains(names, n => n.EndsWith("Client_fetches_the_page"));
        Assert.Contains(names, n => n.EndsWith("Host_fetches_the_page"));
        var logs = Path.Combine(project.ResultsDirectory, "logs");
        Assert.Contains("connected to guest root shell", await File.ReadAllTextAsync(Path.Combine(logs, "driver.log"), Ct));
        Assert.Contains(Contract.Guest.ReadyBanner, await File.ReadAllTextAsync(Path.Combine(logs, "webserver.log"), Ct));
        Assert.True(File.Exists(Path.Combine(logs, "client.log")));
        Assert.True(File.Exists(Path.Combine(project.ProjectDirectory, "bin", "Debug", "net10.0", "nixvm.json")));
        Assert.False(Directory.Exists(Path.Combine(project.ResultsDirectory, "coverage")), "coverage is off: no coverage artifacts");
        Assert.Empty(project.LeftoverProcesses());
        Assert.Empty(Directory.EnumerateFileSystemEntries(project.RunDirectory));

        // A no-op build calls neither nix-build nor the tests.
        var junitTime = File.GetLastWriteTimeUtc(project.JUnitFile);
        var again = await project.BuildAsync();
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain("NixVm: built network", again.Output);
        Assert.DoesNotContain("NixVm: VM tests:", again.Output);
        Assert.Equal(junitTime, File.GetLastWriteTimeUtc(project.JUnitFile));

        // Changed test code reruns the tests, not nix-build.
        await File.AppendAllTextAsync(project.TestFile, "\n// changed\n", Ct);
        var testsChanged = await project.BuildAsync();
        Assert.True(testsChanged.ExitCode == 0, testsChanged.ToString());
        Assert.DoesNotContain("NixVm: built network", testsChanged.Output);
        Assert.Contains("NixVm: VM tests: 2 passed, 0 failed, 0 skipped", testsChanged.Output);

        // A changed machine file rebuilds the images and reruns the tests.
        await File.WriteAllTextAsync(project.MachineFile,
            (await File.ReadAllTextAsync(project.MachineFile, Ct)).Replace("Hello from webserver", "Hello from webserver, again"), Ct);
        var machineChanged = await project.BuildAsync();
        Assert.True(machineChanged.ExitCode == 0, machineChanged.ToString());
        Assert.Contains("NixVm: built network", machineChanged.Output);
        Assert.Contains("NixVm: VM tests: 2 passed, 0 failed, 0 skipped", machineChanged.Output);
        Assert.Empty(project.LeftoverProcesses());
    }

    /// <summary>A VM test that fails (the web server has no admin page) and one that is skipped.</summary>
    const string Failing = """
            [Fact]
            public async Task Server_has_no_admin_page()
            {
                var status = await network["client"].ExecuteAsync("wget -qO- http://webserver/admin", ct: TestContext.Current.CancellationToken);
                Assert.Equal(0, status.ExitCode);
            }

            [Fact(Skip = "not yet")]
            public void Server_has_a_status_page() { }
        """;

    [Fact(Timeout = 900_000)]
    public async Task A_failing_vm_test_fails_the_build_with_its_name_and_message()
    {
        using var project = new TestProject(feed, extraTests: Failing);
        var build = await project.BuildAsync();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"ExtraTests\.cs\(\d+(,\d+)?\): error NIXVM040: VM test failed: [\w.]*Server_has_no_admin_page: Assert\.Equal\(\) Failure", build.Output);
        Assert.DoesNotContain("Client_fetches_the_page: ", build.Output);
        Assert.Contains("NixVm: VM tests: 2 passed, 1 failed, 1 skipped", build.Output);
        Assert.Empty(project.LeftoverProcesses());
    }

    [Fact(Timeout = 900_000)]
    public async Task With_NixVmSnapshots_false_the_machines_boot_and_no_snapshot_is_saved()
    {
        using var project = new TestProject(feed);
        var cache = Path.Combine(project.Root, "cache");   // the run's own, so what it saves is seen
        var environment = new Dictionary<string, string?> { ["NIXVM_CACHE_DIR"] = cache, ["NIXVM_KERNEL_DIR"] = Contract.KernelDirectory() };
        var snapshots = Path.Combine(cache, "snapshots");
        Task<Dotnet.Result> Build(params string[] properties) =>
            project.RunAsync(["build", "-nodeReuse:false", "--disable-build-servers", "-nologo", "-p:NixVmAccelerator=tcg", .. properties], environment);

        var off = await Build("-p:NixVmSnapshots=false");
        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.Contains("NixVm: VM tests: 2 passed, 0 failed, 0 skipped", off.Output);
        Assert.False(Directory.Exists(snapshots) && Directory.EnumerateFileSystemEntries(snapshots).Any(), "a snapshot was saved with NixVmSnapshots=false");

        // On (the default), the same run saves them in that cache. NixVmSnapshots changes how the machines
        // start, not what the tests see, so it is no input of the test run: changed test code reruns it.
        await File.AppendAllTextAsync(project.TestFile, "\n// again\n", Ct);
        var on = await Build();
        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.Contains("NixVm: VM tests: 2 passed, 0 failed, 0 skipped", on.Output);
        Assert.NotEmpty(Directory.EnumerateFileSystemEntries(snapshots));
        Assert.Empty(project.LeftoverProcesses());
    }

    [Fact(Timeout = 900_000)]
    public async Task After_a_failed_run_KeepRunningOnFailure_leaves_the_network_up_until_Down()
    {
        using var project = new TestProject(feed, extraTests: Failing);
        Dotnet.Result build, down;
        int running;
        try
        {
            build = await project.BuildAsync("-p:NixVmKeepRunningOnFailure=true");
            running = project.LeftoverProcesses().Count(p => p.Contains("qemu-system") || p.Contains("vde_switch"));
        }
        finally
        {
            down = await project.BuildAsync("-t:NixVmDown");   // whatever happened: nothing stays up
        }
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error NIXVM040: VM test failed: ", build.Output);
        Assert.Contains("NixVm: network is up; stop it with: dotnet build -t:NixVmDown", build.Output);
        Assert.True(running == 3, build.Output);   // two QEMUs and the VLAN's switch
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("NixVm: network stopped", down.Output);
        Assert.Empty(project.LeftoverProcesses());
        Assert.Empty(Directory.EnumerateFileSystemEntries(project.RunDirectory));
    }

    [Fact(Timeout = 900_000)]
    public async Task Up_boots_the_network_in_the_background_and_Down_stops_it()
    {
        using var project = new TestProject(feed);
        project.WriteProject(project.DefaultItems, """
              <PropertyGroup>
                <NixVmUpDependsOn>$(NixVmUpDependsOn);SeedUp</NixVmUpDependsOn>
              </PropertyGroup>
              <Target Name="SeedUp"><Message Importance="high" Text="extension: SeedUp" /></Target>
            """);
        var up = await project.BuildAsync("-t:NixVmUp", "-p:NixVmRunTestsOnBuild=false");
        Assert.True(up.ExitCode == 0, up.ToString());
        // The project's own target runs after Build, before the network starts.
        var seeded = up.Output.IndexOf("extension: SeedUp", StringComparison.Ordinal);
        Assert.True(seeded > up.Output.IndexOf($"{TestProject.Name} -> ", StringComparison.Ordinal) && seeded < up.Output.IndexOf("NixVm: client: ready", StringComparison.Ordinal), up.Output);
        Assert.Matches(@"NixVm: webserver: ready in [\d.]+ s, state \S+, forwards 127\.0\.0\.1:\d+ -> webserver:80", up.Output);
        Assert.Contains("NixVm: client: ready", up.Output);
        Assert.Equal(3, project.LeftoverProcesses().Count(p => p.Contains("qemu-system") || p.Contains("vde_switch")));

        var second = await project.BuildAsync("-t:NixVmUp", "-p:NixVmRunTestsOnBuild=false");
        Assert.Contains("warning NIXVM050: the network is already up", second.Output);

        var down = await project.BuildAsync("-t:NixVmDown");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("NixVm: network stopped", down.Output);
        Assert.Empty(project.LeftoverProcesses());
        Assert.Empty(Directory.EnumerateFileSystemEntries(project.RunDirectory));
        Assert.Contains("NixVm: no network is up", (await project.BuildAsync("-t:NixVmDown")).Output);
    }

    [Fact(Timeout = 900_000)]
    public async Task Up_of_a_network_that_does_not_boot_is_NIXVM051_with_the_guests_reason()
    {
        using var project = new TestProject(feed);
        await File.WriteAllTextAsync(project.MachineFile,
            "{\n  services = [ { name = \"broken\"; command = \"echo broken on purpose; exit 3\"; } ];\n}\n", Ct);
        var up = await project.BuildAsync("-t:NixVmUp", "-p:NixVmRunTestsOnBuild=false");
        Assert.NotEqual(0, up.ExitCode);
        Assert.Contains($"{TestProject.Name}.csproj : error NIXVM051: the network did not come up: ", up.Output);
        Assert.Contains("service 'broken' exited with status 3", up.Output);
        Assert.Contains("broken on purpose", await File.ReadAllTextAsync(Path.Combine(project.ResultsDirectory, "up-logs", "webserver.log"), Ct));
        Assert.Empty(project.LeftoverProcesses());
        Assert.Empty(Directory.EnumerateFileSystemEntries(project.RunDirectory));
    }

    [Fact(Timeout = 1_800_000)]
    public async Task Dotnet_test_runs_the_vm_tests_once_and_ide_builds_boot_nothing()
    {
        using var project = new TestProject(feed);   // NixVmRunTestsOnBuild=true, as the template's default
        var driverLog = Path.Combine(project.ResultsDirectory, "logs", "driver.log");

        // Live Unit Testing's and an IDE's design-time builds neither build images nor run tests.
        foreach (var ide in new[] { "-p:BuildingForLiveUnitTesting=true", "-p:DesignTimeBuild=true" })
        {
            var build = await project.BuildAsync(ide);
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.DoesNotContain("NixVm: built network", build.Output);
            Assert.False(File.Exists(driverLog), ide + " booted the network");
        }

        // Under `dotnet test` the test platform runs the tests and the build step yields: one boot, one run.
        var test = await project.RunAsync(["test"]);
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Matches(@"total: 2\s+failed: 0\s+succeeded: 2", test.Output);
        Assert.False(File.Exists(project.JUnitFile), "the build step ran the tests too");
        Assert.Equal(1, Boots(await File.ReadAllTextAsync(driverLog, Ct)));

        // MSBuild reads properties from the environment; `dotnet test` under the testing platform takes no -p.
        var withoutOnBuild = await project.RunAsync(["test"], new Dictionary<string, string?> { ["NixVmRunTestsOnBuild"] = "false" });
        Assert.True(withoutOnBuild.ExitCode == 0, withoutOnBuild.ToString());
        Assert.Matches(@"total: 2\s+failed: 0\s+succeeded: 2", withoutOnBuild.Output);
        Assert.Equal(2, Boots(await File.ReadAllTextAsync(driverLog, Ct)));
        Assert.Empty(project.LeftoverProcesses());

        static int Boots(string log) => log.Split('\n').Count(l => l.Contains("all 2 machine(s) ready"));
    }
}
