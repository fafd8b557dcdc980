using System.Text.RegularExpressions;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// NetworkFixture as a class fixture (a fresh network per test class), a collection fixture, and
/// created by a test class itself (a fresh network per test), next to the assembly-wide one, in a
/// fresh project outside the repository built with the real dotnet CLI: no test sees another
/// class's or test's guest state,
/// each network logs into a directory of its own, the declared host port is the assembly network's
/// alone, every network's coverage adds up in one report, and nothing is left afterwards, also of a
/// class whose test failed and of a test that was cancelled. Without coverage a class's network
/// stops in the background, and the test process waits for it before it exits.
/// </summary>
public sealed class FreshNetworkTests(LocalFeed feed)
{
    // Each test leaves a mark in the client's /root/marks and expects no mark but its own class's.
    const string Tests = """
        using NixVm.Driver.Xunit;
        using Xunit;

        public abstract class MarkingTests
        {
            protected static CancellationToken Ct => TestContext.Current.CancellationToken;

            protected abstract NetworkFixture Network { get; }

            protected async Task<string> MarkAsync(string mark)
            {
                await Network["client"].SucceedAsync($"mkdir -p /root/marks && touch /root/marks/{mark}", ct: Ct);
                return (await Network["client"].SucceedAsync("ls /root/marks", ct: Ct)).Trim();
            }

            [Fact]
            public async Task Sees_only_its_own_class_marks() => Assert.Equal(GetType().Name, await MarkAsync(GetType().Name));

            [Fact]
            public async Task Host_fetches_the_page_through_its_own_port()
            {
                using var http = new HttpClient();
                var page = await http.GetStringAsync($"http://127.0.0.1:{Network["webserver"].ForwardedPorts[80]}/", Ct);
                Assert.Contains("Hello from webserver", page);
            }
        }

        public class FirstClass(NetworkFixture network) : MarkingTests, IClassFixture<NetworkFixture>
        {
            protected override NetworkFixture Network => network;

            [Fact]
            public Task Runs_the_tiny_program_with_hello() => network["webserver"].SucceedAsync("/usr/local/bin/tiny hello first", ct: Ct);
        }

        public class SecondClass(NetworkFixture network) : MarkingTests, IClassFixture<NetworkFixture>
        {
            protected override NetworkFixture Network => network;

            [Fact]
            public Task Runs_the_tiny_program_without_arguments() => network["webserver"].FailAsync("/usr/local/bin/tiny", ct: Ct);
        }

        [CollectionDefinition("Own collection")]
        public class OwnCollection : ICollectionFixture<NetworkFixture>;

        [Collection("Own collection")]
        public class InOwnCollection(NetworkFixture network) : MarkingTests
        {
            protected override NetworkFixture Network => network;
        }

        // The assembly's network (WebTests.cs declares it) serves the classes without a fixture of their own.
        public class SharedClass(NetworkFixture network) : MarkingTests
        {
            protected override NetworkFixture Network => network;
        }

        public class EachTestFresh : MarkingTests, IAsyncLifetime
        {
            readonly NetworkFixture network = new();

            protected override NetworkFixture Network => network;

            public ValueTask InitializeAsync() => network.InitializeAsync();

            public ValueTask DisposeAsync() => network.DisposeAsync();

            [Theory]
            [InlineData("one")]
            [InlineData("two")]
            public async Task Starts_with_no_marks(string mark) => Assert.Equal(mark, await MarkAsync(mark));

            // The network goes with a cancelled test all the same.
            [Fact]
            public async Task Is_cancelled_while_a_command_runs()
            {
                var sleep = network["client"].SucceedAsync("sleep 600", ct: Ct);
                await network["webserver"].SucceedAsync("true", ct: Ct);
                TestContext.Current.CancelCurrentTest();
                await sleep;
            }
        }

        public class FailingClass(NetworkFixture network) : IClassFixture<NetworkFixture>
        {
            [Fact]
            public async Task Fails_after_starting_a_process()
            {
                await network["client"].SucceedAsync("sleep 600 >/dev/null 2>&1 &", ct: TestContext.Current.CancellationToken);
                Assert.Fail("a failing test");
            }
        }
        """;

    [Fact(Timeout = 1_800_000)]
    public async Task Class_and_test_networks_are_fresh_log_apart_use_free_ports_add_up_coverage_and_leave_nothing()
    {
        using var project = new TestProject(feed);
        File.WriteAllText(Path.Combine(project.ProjectDirectory, "FreshTests.cs"), Tests);
        var source = Path.Combine(Repo.Root, "tests", "nix-cases", "coverage-tiny.c");
        File.Copy(source, Path.Combine(project.ProjectDirectory, "machines", "tiny.c"));
        File.WriteAllText(project.MachineFile, """
            { nixvm, ... }:
            let tiny = nixvm.lib.instrumentedProgram { name = "tiny"; src = ./tiny.c; };
            in {
              services = [ { name = "httpd"; command = "busybox httpd -f -p 80 -h /var/www"; ready = "nc -z 127.0.0.1 80"; } ];
              files."/var/www/index.html" = "Hello from webserver\n";
              files."/usr/local/bin/tiny" = { text = "#!/bin/sh\nexec ${tiny}/bin/tiny \"$@\"\n"; mode = "0755"; };
            }
            """);

        var build = await project.BuildAsync("-p:NixVmCoverage=true");

        // WebTests 2, the marking classes 2 each, 1 more each for FirstClass and SecondClass, 2 rows of the theory; 2 fail.
        void Shows(string pattern) => Assert.True(Regex.IsMatch(build.Output, pattern), $"no /{pattern}/ in:\n{build}");
        Shows("NixVm: VM tests: 16 passed, 2 failed, 0 skipped");
        Shows(@"error NIXVM040: VM test failed: FailingClass\.Fails_after_starting_a_process: .*a failing test");
        Shows(@"error NIXVM040: VM test failed: EachTestFresh\.Is_cancelled_while_a_command_runs: ");
        // The build's summary: the assembly network's machines, then the fresh networks (3 classes, a collection, 5 tests) together.
        Shows(@"NixVm: webserver: ready in [\d.]+ s");
        Shows(@"NixVm: 9 fresh network\(s\) \(per class, collection or test\): 18 machine\(s\) ready in median [\d.]+ s, at most [\d.]+ s\n");
        Assert.Equal(2, Regex.Matches(build.Output, @"error NIXVM040: VM test failed: (\w+)\.\w+").Select(m => m.Value).Distinct().Count());

        // One network, one boot, per log directory: the assembly's at the top, a class's below it, a test's below its class's.
        var logs = Path.Combine(project.ResultsDirectory, "logs");
        foreach (var dir in new[] { "", "FirstClass", "SecondClass", "FailingClass", "Own_collection", "EachTestFresh/Starts_with_no_marks", "EachTestFresh/Starts_with_no_marks-2",
                     "EachTestFresh/Sees_only_its_own_class_marks", "EachTestFresh/Host_fetches_the_page_through_its_own_port" })
        {
            var driverLog = await File.ReadAllTextAsync(Path.Combine(logs, dir, "driver.log"), TestContext.Current.CancellationToken);
            Assert.True(Regex.Matches(driverLog, "all 2 machine\\(s\\) ready").Count == 1, $"{dir}/driver.log:\n{driverLog}");
            Assert.EndsWith("network stopped\n", driverLog);
            Assert.True(File.Exists(Path.Combine(logs, dir, "webserver.log")), $"{dir}/webserver.log");
        }
        Assert.EndsWith("network stopped\n", await File.ReadAllTextAsync(Path.Combine(logs, "EachTestFresh", "Is_cancelled_while_a_command_runs", "driver.log"), TestContext.Current.CancellationToken));
        Assert.False(Directory.Exists(Path.Combine(logs, "SharedClass")), "the class without a fixture of its own has a network of its own");

        // coverage-tiny.c marks the lines each use runs; the report counts both classes' runs of it, each on its own network.
        // Without arguments it runs lines that "hello" runs too, then the usage message and `return 2;`.
        var marked = File.ReadLines(source).Where(l => Regex.IsMatch(l, @"/\* hit: [a-z ]+ \*/")).ToList();
        var hit = marked.Count(l => l.Contains("hello */") || l.Contains("usage:") || l.Contains("return 2;"));
        Shows($@"NixVm coverage: client no coverage data; webserver lines [\d.]+% \({hit}/{marked.Count}\)");
        Assert.DoesNotContain("NIXVM064", build.Output);
        Assert.DoesNotContain("NIXVM065", build.Output);

        Assert.Empty(project.LeftoverProcesses());
        Assert.Empty(Directory.EnumerateFileSystemEntries(project.RunDirectory));
    }

    const string OneClassAtATime = """
        using NixVm.Driver.Xunit;
        using Xunit;

        [assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

        public class FirstClass(NetworkFixture network) : IClassFixture<NetworkFixture>
        {
            [Fact]
            public Task Runs_a_command() => network["webserver"].SucceedAsync("true", ct: TestContext.Current.CancellationToken);
        }

        public class SecondClass(NetworkFixture network) : IClassFixture<NetworkFixture>
        {
            [Fact]
            public Task Runs_a_command() => network["webserver"].SucceedAsync("true", ct: TestContext.Current.CancellationToken);
        }
        """;

    [Fact(Timeout = 1_800_000)]
    public async Task A_class_network_stops_while_the_next_class_starts_and_the_run_waits_for_it()
    {
        using var project = new TestProject(feed);
        File.WriteAllText(project.TestFile, OneClassAtATime);
        // A service whose stop command takes 3 s: each network's stop outlasts the next class's start and the end of the run.
        File.WriteAllText(project.MachineFile, """
            {
              services = [ {
                name = "slow";
                command = "echo $$ > /tmp/slow.pid; exec sleep 100000";
                stop = { command = "sleep 3; echo stopping slowly; kill $(cat /tmp/slow.pid)"; timeout = 60; };
              } ];
            }
            """);

        var build = await project.BuildAsync("-p:NixVmCoverage=false");

        Assert.True(Regex.IsMatch(build.Output, "NixVm: VM tests: 2 passed, 0 failed, 0 skipped"), build.ToString());
        var logs = Path.Combine(project.ResultsDirectory, "logs");
        var spans = new List<(TimeSpan Start, TimeSpan Stop)>();
        foreach (var dir in new[] { "FirstClass", "SecondClass" })
        {
            var driverLog = await File.ReadAllTextAsync(Path.Combine(logs, dir, "driver.log"), TestContext.Current.CancellationToken);
            Assert.EndsWith("network stopped\n", driverLog);
            Assert.Contains("webserver: services: slow: stopped", driverLog);
            Assert.Contains("stopping slowly", await File.ReadAllTextAsync(Path.Combine(logs, dir, "webserver.slow.log"), TestContext.Current.CancellationToken));
            spans.Add((Stamp(driverLog, "network '"), Stamp(driverLog, "network stopped")));
        }
        // The classes ran one at a time, yet their networks overlapped: the second started before the first had stopped.
        Assert.True(spans.Max(s => s.Start) < spans.Min(s => s.Stop), string.Join("; ", spans));

        Assert.Empty(project.LeftoverProcesses());
        Assert.Empty(Directory.EnumerateFileSystemEntries(project.RunDirectory));
    }

    /// <summary>The time stamp of the driver.log line that holds <paramref name="text"/>.</summary>
    static TimeSpan Stamp(string driverLog, string text) =>
        TimeSpan.Parse(driverLog.Split('\n').First(l => l.Contains(text, StringComparison.Ordinal))[..12], System.Globalization.CultureInfo.InvariantCulture);
}
