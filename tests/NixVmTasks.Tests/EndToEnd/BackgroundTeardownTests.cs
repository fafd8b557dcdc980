using System.Text.RegularExpressions;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// A class's fresh network (coverage off) stops in the background: xunit's next class starts its
/// network meanwhile, and the test process still waits for every network's stop before it exits —
/// each network's services are stopped, their logs copied, <c>network stopped</c> logged and
/// nothing is left. A service whose stop command takes 3 s makes each stop outlast the start of
/// the next class and the end of the run.
/// </summary>
public sealed class BackgroundTeardownTests(LocalFeed feed)
{
    const string Tests = """
        using NixVm.Driver.Xunit;
        using Xunit;

        [assembly: CollectionBehavior(DisableTestParallelization = true)]

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
        File.WriteAllText(project.TestFile, Tests);
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
