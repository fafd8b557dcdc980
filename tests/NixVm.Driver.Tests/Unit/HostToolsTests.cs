using NixVm.Driver.Processes;

namespace NixVm.Driver.Tests.Unit;

public class HostToolsTests
{
    [Fact]
    public void A_program_on_PATH_is_found_by_name()
    {
        Assert.EndsWith("/sh", HostTools.Find("sh", "install a shell"));
    }

    [Fact]
    public void A_missing_program_is_a_NixVmException_that_says_how_to_get_it()
    {
        var e = Assert.Throws<MissingToolException>(() => HostTools.Find("nixvm-no-such-tool", "install it from nowhere"));
        Assert.Equal("'nixvm-no-such-tool' was not found on PATH: install it from nowhere", e.Message);
        Assert.Equal("nixvm-no-such-tool", e.Program);
        Assert.Null(e.Machine); // a host problem, not a machine's
        Assert.Throws<MissingToolException>(() => HostTools.Find("/nonexistent/qemu", "hint"));
    }
}
