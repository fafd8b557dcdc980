using System.Xml.Linq;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// Scale-out with Nix's own remote builders (README: tests inside nix-build and on a build farm):
/// the web sample's -A report built with --max-jobs 0 on an ssh builder with a store of its own
/// (<see cref="SshBuilder"/>), and refused by a builder that does not offer nixos-test.
/// </summary>
[Collection(WebTestsBuild.Collection)]
public class RemoteBuilderTests(WebTestsBuild sample)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    string[] Report => [WebTestsBuild.WebNix, "-A", "report", .. sample.TestsArgs];

    [Fact(Timeout = 600_000)]
    public async Task Report_is_built_on_an_ssh_builder_with_nixos_test_and_its_junit_comes_back()
    {
        string builderDirectory;
        await using (var builder = await SshBuilder.StartAsync(Ct))
        {
            builderDirectory = builder.Directory;
            var r = await Commands.FreshNixBuildAsync(builder.ClientEnvironment, Report,
                "--max-jobs", "0", "--builders", builder.Machine("nixos-test"));
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains($"-vm-test-run-web.drv' on '{builder.Uri}'", r.Stderr);
            // The builder's store is not ours: the compiled tests went there, the result came back.
            Assert.Contains($"-web-tests' to '{builder.Uri}'", r.Stderr);
            Assert.Contains($"copying path '{r.Stdout}' from '{builder.Uri}'", r.Stderr);
            var junit = XDocument.Load(Path.Combine(r.Stdout, "Web.Tests.junit.xml"));
            Assert.Equal(2, junit.Descendants("testcase").Count());
            Assert.Empty(junit.Descendants("failure"));
        }
        Assert.False(Directory.Exists(builderDirectory));
        Assert.Empty(OurProcesses.Mentioning(builderDirectory));
        Assert.Empty(OurProcesses.Mentioning("nix-store --serve"));
    }

    [Fact(Timeout = 600_000)]
    public async Task A_builder_without_nixos_test_is_refused()
    {
        // The network is built here, so the report is all that is left for a builder.
        var vms = await Commands.NixAsync("nix-build", WebTestsBuild.WebNix, "-A", "vms", "--no-out-link");
        Assert.True(vms.ExitCode == 0, vms.Stderr);
        await using var builder = await SshBuilder.StartAsync(Ct);
        var r = await Commands.FreshNixBuildAsync(builder.ClientEnvironment, Report,
            "--max-jobs", "0", "--builders", builder.Machine("big-parallel"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("required (system, features): (x86_64-linux, nixos-test)", r.Stderr);
        Assert.Contains("error: unable to start any build; remote machines may not have all required system features.", r.Stderr);
    }
}
