using System.Diagnostics;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// However the owner of a test run dies — <c>dotnet build</c>, its MSBuild task host or the test
/// process killed with SIGKILL, Ctrl-C, NixVmTimeoutSeconds, a kill during nix-build — within 5 s
/// nothing the build started runs any more and no state directory (with its sockets) is left.
/// One project for the class: each case reruns its tests (or its nix-build) on a real dotnet build.
/// </summary>
public sealed class OwnerDeathTests(OwnerDeathTests.SleepingProject project, LocalFeed feed) : IClassFixture<OwnerDeathTests.SleepingProject>
{
    /// <summary>The guarantee's bound, from the owner's death to nothing left.</summary>
    static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    public enum Owner { DotnetBuild, TaskHost, TestProcess }

    [Theory(Timeout = 900_000)]
    [InlineData(Owner.DotnetBuild)]
    [InlineData(Owner.TaskHost)]
    [InlineData(Owner.TestProcess)]
    public async Task SIGKILL_of_an_owner_during_the_tests_leaves_nothing(Owner owner)
    {
        using var build = await project.StartBuildInTheTestStepAsync();
        var victim = owner switch
        {
            Owner.DotnetBuild => build.Pid,
            Owner.TaskHost => project.Single(p => p.ParentPid == build.Pid && p.CommandLine.Contains("/nodemode:2")).Pid,
            _ => project.Single(p => p.CommandLine.Contains($"{TestProject.Name}.dll") && p.CommandLine.Contains("-result-junit")).Pid,
        };
        Signals.Send(victim, Signals.Kill);
        await project.AssertNothingLeftAsync(build, $"SIGKILL of the {owner}");
    }

    [Fact(Timeout = 900_000)]
    public async Task Ctrl_C_during_the_tests_leaves_nothing_and_says_cancelled()
    {
        using var build = await project.StartBuildInTheTestStepAsync();
        Signals.Send(-build.Pid, Signals.Int);   // a terminal's Ctrl-C: SIGINT to the foreground process group
        await project.AssertNothingLeftAsync(build, "Ctrl-C");
        var result = await build.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Contains($"error NIXVM041: the VM tests in {TestProject.Name}.dll produced no results: the build was cancelled and the tests were killed", result.Output);
        Assert.DoesNotContain("exited with code", result.Output);
    }

    [Fact(Timeout = 900_000)]
    public async Task NixVmTimeoutSeconds_leaves_nothing_and_says_timed_out()
    {
        const int seconds = 90;
        using var build = await project.StartBuildInTheTestStepAsync($"-p:NixVmTimeoutSeconds={seconds}");
        var result = await build.WaitAsync(TimeSpan.FromMinutes(5));
        await project.AssertNothingLeftAsync(build, "the timeout");
        Assert.Contains($"error NIXVM041: the VM tests in {TestProject.Name}.dll produced no results: it timed out after {seconds} s (NixVmTimeoutSeconds) and was killed", result.Output);
        Assert.DoesNotContain("exited with code", result.Output);
    }

    [Fact(Timeout = 900_000)]
    public async Task SIGKILL_of_dotnet_build_during_nix_build_leaves_nothing()
    {
        using var slow = project.SlowImages();
        using var build = project.Project.StartBuild();
        await project.WaitForAsync(build, "nix-build's builder", () => project.Any(p => p.CommandLine.StartsWith("/bin/sleep 600", StringComparison.Ordinal)));
        Signals.Send(build.Pid, Signals.Kill);
        await project.AssertNothingLeftAsync(build, "SIGKILL of dotnet build during nix-build");
    }

    [Fact(Timeout = 900_000)]
    public async Task SIGKILL_of_dotnet_build_during_a_service_publish_leaves_nothing()
    {
        using var publishing = new SleepingProject(feed, """<VirtualMachineService Include="slow" Machine="client" Project="../Slow/Slow.csproj" />""");
        var slow = Path.GetDirectoryName(ServiceProjects.Console(publishing.Project.Root, "Slow", "net10.0"))!;
        // The publish runs a command of the project's own before it compiles (no compiler server yet).
        File.WriteAllText(Path.Combine(slow, "Directory.Build.targets"), """
            <Project>
              <Target Name="Slow" BeforeTargets="CoreCompile">
                <Exec Command="sleep 600" />
              </Target>
            </Project>
            """);
        using var build = publishing.Project.StartBuild();
        await publishing.WaitForAsync(build, "the service's publish", () => publishing.Any(p => p.CommandLine.StartsWith("sleep 600", StringComparison.Ordinal)));
        Signals.Send(build.Pid, Signals.Kill);
        await publishing.AssertNothingLeftAsync(build, "SIGKILL of dotnet build during dotnet publish of a service");
    }

    /// <summary>The seed's project plus a test that sleeps 600 s in a guest: a build that stays in its test step.</summary>
    public sealed class SleepingProject : IDisposable
    {
        const string Marker = "sleep 600";

        public SleepingProject(LocalFeed feed) : this(feed, "") { }

        /// <summary>With more items (the watch helpers below serve any such project).</summary>
        internal SleepingProject(LocalFeed feed, string extraItems) => Project = new(feed, extraItems, extraTests: $$"""
                [Fact]
                public Task Sleeps() => network["client"].SucceedAsync("{{Marker}}", ct: TestContext.Current.CancellationToken);
            """);

        public TestProject Project { get; }

        string DriverLog => Path.Combine(Project.ResultsDirectory, "logs", "driver.log");

        /// <summary>Starts a build whose tests run again, and returns once the sleeping test runs in the guest.</summary>
        public async Task<Dotnet.Running> StartBuildInTheTestStepAsync(params string[] extra)
        {
            if (Directory.Exists(Project.ResultsDirectory)) Directory.Delete(Project.ResultsDirectory, recursive: true);
            File.AppendAllText(Project.TestFile, "\n");   // changed test code: the tests run again
            var build = Project.StartBuild(extra);
            await WaitForAsync(build, "the test step", () => File.Exists(DriverLog) && File.ReadAllText(DriverLog).Contains("$ " + Marker));
            Assert.True(Any(p => p.CommandLine.Contains("qemu-system")), "QEMU runs in the test step");
            return build;
        }

        /// <summary>
        /// The webserver's image depends on a derivation whose builder sleeps 600 s (a fresh one each
        /// time, with the project's path in its environment so that it counts as the build's process).
        /// </summary>
        public IDisposable SlowImages()
        {
            var original = File.ReadAllText(Project.MachineFile);
            File.WriteAllText(Project.MachineFile, $$"""
                let slow = derivation {
                  name = "slow-{{Guid.NewGuid():N}}";
                  system = builtins.currentSystem;
                  builder = "/bin/sh";
                  args = [ "-c" "/bin/sleep 600; echo > $out" ];
                  project = "{{Project.Root}}";
                };
                base = import ./webserver-base.nix;
                in base // { files = base.files // { "/slow" = "${slow}"; }; }
                """);
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(Project.MachineFile)!, "webserver-base.nix"), original);
            return new Restore(() => File.WriteAllText(Project.MachineFile, original));
        }

        public async Task WaitForAsync(Dotnet.Running build, string what, Func<bool> reached)
        {
            while (!reached())
            {
                if (build.HasExited) Assert.Fail($"the build ended before {what}:\n{build.Output}");
                await Task.Delay(200);
            }
        }

        public bool Any(Func<TestProject.OsProcess, bool> match) => Project.ProcessesOfTheBuild().Any(match);

        public TestProject.OsProcess Single(Func<TestProject.OsProcess, bool> match) => Project.ProcessesOfTheBuild().Single(match);

        /// <summary>Within 5 s of the owner's death: no process of the build and nothing in the state directories' parent.</summary>
        public async Task AssertNothingLeftAsync(Dotnet.Running build, string how)
        {
            var clock = Stopwatch.StartNew();
            IReadOnlyList<TestProject.OsProcess> processes;
            string[] state;
            do
            {
                processes = Project.ProcessesOfTheBuild();
                state = Directory.GetFileSystemEntries(Project.RunDirectory);
                if (processes.Count == 0 && state.Length == 0) return;
                await Task.Delay(100);
            } while (clock.Elapsed < Within);
            Assert.Fail($"after {how}, {clock.Elapsed.TotalSeconds:0.0} s later: processes {string.Join("; ", processes)}; state {string.Join(", ", state)}\n{build.Output}");
        }

        sealed class Restore(Action undo) : IDisposable
        {
            public void Dispose() => undo();
        }

        public void Dispose() => Project.Dispose();
    }
}
