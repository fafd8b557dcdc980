using NixVm.Driver.Coverage;

namespace NixVm.Driver.Tests.Unit;

public class SourceNamesTests
{
    const string Hash = "0123456789abcdfghijklmnpqrsvwxyz";

    [Theory]
    // nixvm.lib builds: the program's name comes first, the store path is the source root
    [InlineData($"/nix/store/{Hash}-svnhelper/lib/nixvm-coverage/svnhelper/src/util.c", "svnhelper/src/util.c", "svnhelper", $"/nix/store/{Hash}-svnhelper/lib/nixvm-coverage")]
    [InlineData($"/nix/store/{Hash}-httpd-2.4/lib/nixvm-coverage/httpd/server/core.c", "httpd/server/core.c", "httpd", $"/nix/store/{Hash}-httpd-2.4/lib/nixvm-coverage")]
    // another store path: its name without the hash
    [InlineData($"/nix/store/{Hash}-coverage-plain/tiny.c", "coverage-plain/tiny.c", "coverage-plain", null)]
    // outside the store: as it is, grouped by its directory
    [InlineData("/usr/include/x86_64-linux-gnu/bits/stdio2.h", "/usr/include/x86_64-linux-gnu/bits/stdio2.h", "/usr/include/x86_64-linux-gnu/bits", null)]
    public void A_source_is_named_without_the_store_hash_and_grouped_by_program(string path, string name, string program, string? root)
    {
        Assert.Equal(name, SourceNames.Of(path));
        Assert.Equal(program, SourceNames.ProgramOf(path));
        Assert.Equal(root, SourceNames.RootOf(path));
        if (root is not null) Assert.Equal(path, root + "/" + name);
    }
}
