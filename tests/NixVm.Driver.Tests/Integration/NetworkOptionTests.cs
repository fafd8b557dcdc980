using NixVm.Driver.Machines;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>NetworkOptions a running network honours: where its private state lives, how long a wait waits.</summary>
public class NetworkOptionTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task StateParent_holds_the_private_state_directory_and_WaitTimeout_bounds_the_waits()
    {
        using var parent = new TempDirectory();
        string state;
        await using (var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "network-options",
                         configure: o => o with { StateParent = parent.Path, WaitTimeout = TimeSpan.FromSeconds(2) }))
        {
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
