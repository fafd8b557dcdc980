namespace NixVmTasks.Tests.Unit;

/// <summary>Which target framework a guest's runtimes can run (NuGet.Frameworks plus the .NET host's roll-forward policy).</summary>
public sealed class ServiceFrameworkTests
{
    static readonly IReadOnlyList<ServiceFramework.Runtime> Net10 =
    [
        new("Microsoft.AspNetCore.App", new Version(10, 0, 12)),
        new("Microsoft.NETCore.App", new Version(10, 0, 12)),
    ];

    [Theory]
    [InlineData("net10.0", "", "net10.0")]
    [InlineData("net9.0", "", null)]                 // default Minor: same major only
    [InlineData("net8.0", "", null)]
    [InlineData("net8.0", "LatestPatch", null)]
    [InlineData("net8.0", "Major", "net8.0")]
    [InlineData("net8.0", "LatestMajor", "net8.0")]
    [InlineData("netcoreapp3.1", "major", "netcoreapp3.1")]  // policy names are case-insensitive, as in the host
    [InlineData("net11.0", "LatestMajor", null)]     // never backwards
    [InlineData("net10.0-windows", "", null)]        // another OS
    [InlineData("netstandard2.0", "Major", null)]    // not runnable at all
    [InlineData("net48", "Major", null)]
    public void One_target_framework(string tfm, string rollForward, string? expected) =>
        Assert.Equal(expected, ServiceFramework.Choose([tfm], rollForward, Net10));

    [Fact]
    public void Of_several_target_frameworks_the_nearest_runnable_one_is_chosen()
    {
        Assert.Equal("net10.0", ServiceFramework.Choose(["net8.0", "net10.0", "net9.0"], "", Net10));
        Assert.Equal("net9.0", ServiceFramework.Choose(["net8.0", "net9.0", "net11.0"], "Major", Net10));
        Assert.Null(ServiceFramework.Choose(["net8.0", "net9.0"], "", Net10));
    }

    [Fact]
    public void No_runtimes_run_nothing() => Assert.Null(ServiceFramework.Choose(["net10.0"], "LatestMajor", []));

    [Fact]
    public void Every_framework_of_the_runtimeconfig_needs_a_runtime()
    {
        var coreOnly = Net10.Where(r => r.Name == ServiceFramework.CoreFramework).ToList();
        var aspNet = new ServiceFramework.Runtime("Microsoft.AspNetCore.App", new Version(10, 0, 0));
        var core = new ServiceFramework.Runtime(ServiceFramework.CoreFramework, new Version(10, 0, 0));
        Assert.Empty(ServiceFramework.Unsatisfied([core, aspNet], "", Net10));
        Assert.Equal([aspNet], ServiceFramework.Unsatisfied([core, aspNet], "", coreOnly));
    }

    [Fact]
    public void Patch_levels_count_for_Disable_and_LatestPatch()
    {
        var wanted = new ServiceFramework.Runtime(ServiceFramework.CoreFramework, new Version(10, 0, 0));
        Assert.Equal([wanted], ServiceFramework.Unsatisfied([wanted], "Disable", Net10));
        Assert.Empty(ServiceFramework.Unsatisfied([wanted], "LatestPatch", Net10));
        var newer = new ServiceFramework.Runtime(ServiceFramework.CoreFramework, new Version(10, 0, 13));
        Assert.Equal([newer], ServiceFramework.Unsatisfied([newer], "LatestPatch", Net10));
        Assert.Empty(ServiceFramework.Unsatisfied([wanted with { Version = new Version(10, 0, 12) }], "Disable", Net10));
    }

    [Fact]
    public void The_installed_runtimes_are_read_from_the_shared_folder()
    {
        var root = Directory.CreateTempSubdirectory("nixvmtasks-dotnet-root-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "shared", "Microsoft.NETCore.App", "10.0.12"));
            Directory.CreateDirectory(Path.Combine(root, "shared", "Microsoft.NETCore.App", "11.0.0-preview.1.25080.5"));
            Directory.CreateDirectory(Path.Combine(root, "shared", "Microsoft.AspNetCore.App", "10.0.12"));
            Assert.Equal(
                ["Microsoft.AspNetCore.App 10.0.12", "Microsoft.NETCore.App 10.0.12", "Microsoft.NETCore.App 11.0.0"],
                ServiceFramework.Installed(root).Select(r => r.ToString()));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void The_guests_runtimes_are_the_hosts_under_usr()
    {
        var (root, runtimes) = ServiceFramework.GuestRuntimes();
        Assert.NotNull(root);   // the suite runs where the guest can run the host's dotnet (scripts/bootstrap)
        Assert.StartsWith("/usr/", root);
        Assert.Contains(runtimes, r => r.Name == ServiceFramework.CoreFramework && r.Version.Major == Environment.Version.Major);
    }
}
