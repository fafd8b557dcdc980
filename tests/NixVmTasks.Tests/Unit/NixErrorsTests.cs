namespace NixVmTasks.Tests.Unit;

public class NixErrorsTests
{
    [Fact]
    public void An_error_takes_the_first_location_nix_gives()
    {
        string[] stderr =
        [
            "error: undefined variable 'pkgs'",
            "",
            "       at /home/u/proj/machines/web.nix:3:14:",
            "",
            "            2|   services = [",
            "            3|     { command = pkgs.hello; }",
        ];
        var (message, file, line) = Assert.Single(NixErrors.Parse(stderr));
        Assert.Equal("undefined variable 'pkgs'", message);
        Assert.Equal("/home/u/proj/machines/web.nix", file);
        Assert.Equal(3, line);
    }

    [Fact]
    public void Errors_without_location_and_several_errors_are_kept_apart()
    {
        var errors = NixErrors.Parse(["these derivations will be built:", "error: nixvm: machine 'a': attribute 'vlans': VLAN 0 is out of range (1..255)", "error: second"]).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Null(errors[0].File);
        Assert.Equal("second", errors[1].Message);
    }
}
