using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// The packages' metadata as the README's `dotnet pack NixVmTasks.Packages.slnf` makes them: MIT, a
/// real description, and a project URL only from the real source (the git remote's public https URL
/// or the release's RepositoryUrl); without one the packages have none and the pack says NIXVM090.
/// </summary>
public sealed partial class PackageTests(LocalFeed feed)
{
    static readonly string[] Packages = ["NixVm.Driver", "NixVm.Driver.Xunit", "NixVmTasks", "NixVmTasks.Templates"];

    [Fact(Timeout = 300_000)]
    public async Task Each_package_has_its_licence_and_description_and_the_project_url_of_this_checkouts_remote()
    {
        var origin = await OriginAsync();
        var publicUrl = PublicHttps().IsMatch(origin) ? origin : null;
        foreach (var id in Packages)
        {
            var metadata = Nuspec(Directory.GetFiles(feed.Directory, $"{id}.0*.nupkg").Single());
            Assert.Equal("MIT", Value(metadata, "license"));
            Assert.NotEqual("Package Description", Value(metadata, "description"));
            if (publicUrl is null)
            {
                Assert.Null(Value(metadata, "projectUrl"));
                Assert.Null(metadata.Element(metadata.Name.Namespace + "repository")?.Attribute("url"));
                Assert.Contains($"{id}: NIXVM090: no project URL in the package", feed.PackOutput);
            }
            else Assert.Equal(publicUrl.EndsWith(".git", StringComparison.Ordinal) ? publicUrl[..^4] : publicUrl, Value(metadata, "projectUrl"));
        }
    }

    [Theory(Timeout = 600_000)]
    [InlineData("https://git.example.org/nixvmtasks.git", "https://git.example.org/nixvmtasks")]
    [InlineData("git@git.example.org:nixvmtasks.git", null)]
    [InlineData("https://user:secret@git.example.org/nixvmtasks.git", null)]
    [InlineData("/srv/git/nixvmtasks", null)]
    public async Task A_release_sets_the_repository_url_and_only_a_public_https_one_is_published(string repositoryUrl, string? projectUrl)
    {
        var output = Directory.CreateTempSubdirectory("nixvmtasks-pack-").FullName;
        try
        {
            // The Release build the feed packed, packed again with the release's RepositoryUrl.
            var r = await Dotnet.RunAsync(Repo.Root, ["pack", "tasks/NixVm.Driver", "-c", "Release", "--no-build", "-o", output, "-nologo", "-tl:off",
                $"-p:RepositoryUrl={repositoryUrl}"]);
            Assert.True(r.ExitCode == 0, r.ToString());
            var metadata = Nuspec(Directory.GetFiles(output, "NixVm.Driver.*.nupkg").Single());
            Assert.Equal(projectUrl, Value(metadata, "projectUrl"));
            Assert.Equal(projectUrl is null ? null : repositoryUrl, metadata.Element(metadata.Name.Namespace + "repository")?.Attribute("url")?.Value);
            if (projectUrl is null)
            {
                Assert.Contains("NixVm.Driver: NIXVM090: no project URL in the package", r.Output);
                Assert.DoesNotContain("secret", r.Output);
            }
            else Assert.DoesNotContain("NIXVM090", r.Output);
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    /// <summary>This checkout's git remote origin, or "" without one.</summary>
    static async Task<string> OriginAsync()
    {
        var psi = new ProcessStartInfo("git", ["-C", Repo.Root, "remote", "get-url", "origin"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var git = Process.Start(psi)!;
        var url = await git.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await git.WaitForExitAsync(TestContext.Current.CancellationToken);
        return git.ExitCode == 0 ? url.Trim() : "";
    }

    static XElement Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var root = XDocument.Load(nuspec).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }

    static string? Value(XElement metadata, string name) => metadata.Element(metadata.Name.Namespace + name)?.Value;

    [GeneratedRegex(@"^https://[^/@\s]+/[^\s@]+$")]
    private static partial Regex PublicHttps();
}
