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
        var error = Assert.Single(NixErrors.Parse(stderr));
        Assert.Equal(new NixError("undefined variable 'pkgs'", null, "/home/u/proj/machines/web.nix", 3), error);
    }

    [Fact]
    public void The_code_tag_gives_the_code_and_the_users_file_and_line()
    {
        string[] stderr =
        [
            "evaluating file '/home/u/vms.nix'",
            "error: nixvm: machine 'web': attribute 'vlans': VLAN 1 is listed twice [NIXVM007 at /home/u/vms.nix:4]",
            "(use '--show-trace' to show detailed location information)",
        ];
        Assert.Equal(new NixError("nixvm: machine 'web': attribute 'vlans': VLAN 1 is listed twice", "NIXVM007", "/home/u/vms.nix", 4), Assert.Single(NixErrors.Parse(stderr)));
        Assert.Equal(new NixError("nixvm: machine 'web': attribute 'memoryMB': 64 MiB is too little (minimum 128)", "NIXVM006", null, 0),
            Assert.Single(NixErrors.Parse(["error: nixvm: machine 'web': attribute 'memoryMB': 64 MiB is too little (minimum 128) [NIXVM006]"])));
    }

    [Fact]
    public void Errors_without_location_and_several_errors_are_kept_apart()
    {
        var errors = NixErrors.Parse(["these derivations will be built:", "error: nixvm: machine 'a': attribute 'vlans': VLAN 0 is out of range (1..255) [NIXVM007]", "error: second"]).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Null(errors[0].File);
        Assert.Equal("second", errors[1].Message);
    }
}
