namespace NixVm.Driver.Tests.Unit;

public class NetworkOptionsTests
{
    [Fact]
    public void A_command_may_run_15_minutes_by_default() =>
        Assert.Equal(TimeSpan.FromMinutes(15), new NetworkOptions().CommandTimeout);

    [Fact]
    public void A_commands_output_is_limited_to_256_MiB_by_default_and_to_at_most_1_GiB()
    {
        Assert.Equal(256L << 20, new NetworkOptions().MaxCommandOutputBytes);
        Assert.Equal(1L << 30, new NetworkOptions { MaxCommandOutputBytes = 1L << 30 }.MaxCommandOutputBytes);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkOptions { MaxCommandOutputBytes = (1L << 30) + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkOptions { MaxCommandOutputBytes = 0 });
    }
}
