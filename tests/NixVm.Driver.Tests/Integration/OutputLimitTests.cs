using System.Security.Cryptography;
using NixVm.Driver.Machines;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// A command's output is bounded (NetworkOptions.MaxCommandOutputBytes, 1 MiB here): more is a
/// clear error and the machine answers the next command; ExecuteToStreamAsync has no bound.
/// </summary>
public class OutputLimitTests(OutputLimitTests.SmallLimitNetwork fixture) : IClassFixture<OutputLimitTests.SmallLimitNetwork>
{
    const long Limit = 1 << 20;
    Machine Client => fixture.Network["client"];
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 600_000)]
    [InlineData("head -c 8M /dev/zero; echo never")]
    [InlineData("head -c 600K /dev/zero; head -c 600K /dev/zero >&2")]   // stdout and stderr count together
    [InlineData("yes")]                                                   // no end of its own
    public async Task Output_over_the_limit_is_a_clear_error_and_the_machine_stays_usable(string command)
    {
        var e = await Assert.ThrowsAsync<CommandOutputLimitException>(() => Client.ExecuteAsync(command, ct: Ct));
        Assert.Equal(("client", command, Limit), (e.Machine, e.Command, e.Limit));
        Assert.Contains($"wrote more than {Limit} bytes of output (NetworkOptions.MaxCommandOutputBytes) and was killed", e.Message);
        Assert.Equal("next\n", await Client.SucceedAsync("echo next", ct: Ct));
        Assert.Equal("", await Client.SucceedAsync("pgrep -x yes || true", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Output_up_to_the_limit_is_returned()
    {
        var r = await Client.ExecuteAsync($"head -c {Limit / 2} /dev/zero; head -c {Limit / 2} /dev/zero >&2", ct: Ct);
        Assert.Equal((Limit / 2, Limit / 2), ((long)r.StdoutBytes.Length, (long)r.StderrBytes.Length));
    }

    [Fact(Timeout = 600_000)]
    public async Task ExecuteToStreamAsync_streams_stdout_of_any_size_exactly()
    {
        using var sink = new MemoryStream();
        var r = await Client.ExecuteToStreamAsync("head -c 16M /dev/urandom | tee /tmp/big; echo err >&2", sink, ct: Ct);
        Assert.Equal((0, 16L << 20, 0, "err\n"), (r.ExitCode, sink.Length, r.StdoutBytes.Length, r.Stderr));
        var guestHash = (await Client.SucceedAsync("sha256sum /tmp/big | cut -d' ' -f1", ct: Ct)).Trim();
        Assert.Equal(guestHash, Convert.ToHexString(SHA256.HashData(sink.ToArray())).ToLowerInvariant());
    }

    public sealed class SmallLimitNetwork : IAsyncLifetime
    {
        public VirtualNetwork Network { get; private set; } = null!;

        public async ValueTask InitializeAsync() =>
            Network = await TestNetwork.StartAsync(TestNetwork.WebSample, "output-limit", configure: o => o with { MaxCommandOutputBytes = Limit });

        public async ValueTask DisposeAsync() => await Network.DisposeAsync();
    }
}
