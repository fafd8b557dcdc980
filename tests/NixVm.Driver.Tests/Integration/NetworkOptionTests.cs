using NixVm.Driver.Machines;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>NetworkOptions a running network honours: where its private state lives, how long a wait waits, how many machines start at once.</summary>
public class NetworkOptionTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task StateParent_holds_the_private_state_directory_WaitTimeout_bounds_the_waits_and_MaxParallelBoots_the_starts()
    {
        using var parent = new TempDirectory();
        var log = new List<string>();
        string state;
        await using (var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "network-options",
                         configure: o => o with
                         {
                             StateParent = parent.Path,
                             WaitTimeout = TimeSpan.FromSeconds(2),
                             MaxParallelBoots = 1,
                             LogSink = line => { lock (log) log.Add(line); o.LogSink?.Invoke(line); },
                         }))
        {
            // One start at a time: the second machine's QEMU starts only once the first is ready.
            string[] lines;
            lock (log) lines = [.. log];
            var firstReady = Array.FindIndex(lines, l => l.Contains("connected to guest root shell"));
            var starts = lines.Select((l, i) => (l, i)).Where(x => x.l.Contains(": starting ")).Select(x => (Machine: x.l[..x.l.IndexOf(':')], Line: x.i)).ToList();
            Assert.True(firstReady >= 0, "no machine became ready");
            var first = lines[firstReady][..lines[firstReady].IndexOf(':')];
            Assert.All(starts.Where(s => s.Machine != first), s => Assert.True(s.Line > firstReady, $"{s.Machine} started before {first} was ready"));
            Assert.Contains(starts, s => s.Machine != first);

            state = network.StateDirectory;
            Assert.Equal(parent.Path, Path.GetDirectoryName(state));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state));

            // A wait without a timeout of its own waits WaitTimeout.
            var e = await Assert.ThrowsAsync<MachineTimeoutException>(() => network["client"].WaitUntilSucceedsAsync("false", ct: Ct));
            Assert.Contains("`false` did not succeed within 2 s", e.Message);
        }
        Assert.False(Directory.Exists(state));
    }
}
