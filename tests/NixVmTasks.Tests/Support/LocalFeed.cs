namespace NixVmTasks.Tests.Support;

/// <summary>
/// Packs NixVmTasks, the driver packages and the template pack from this checkout into a local folder feed, once per
/// test run (an assembly fixture). The version is Nerdbank.GitVersioning's, which does not change
/// with uncommitted edits, so the builds use a private NuGet packages folder: no stale copy from
/// an earlier pack, and nothing of the user's global cache is touched.
/// </summary>
public sealed class LocalFeed : IAsyncLifetime
{
    readonly string root = System.IO.Directory.CreateTempSubdirectory("nixvmtasks-feed-").FullName;

    public string Directory => Path.Combine(root, "feed");
    public string PackagesDirectory => Path.Combine(root, "packages");

    /// <summary>The environment every build against this feed needs.</summary>
    public Dictionary<string, string?> Environment => new() { ["NUGET_PACKAGES"] = PackagesDirectory };
    public string Version { get; private set; } = "";
    /// <summary>What <c>dotnet pack</c> printed.</summary>
    public string PackOutput { get; private set; } = "";
    public string TemplatePackage => System.IO.Directory.GetFiles(Directory, "NixVmTasks.Templates.*.nupkg").Single();

    public async ValueTask InitializeAsync()
    {
        // The user packages (NixVm.Driver, NixVm.Driver.Xunit, NixVmTasks, NixVmTasks.Templates), as the README packs them.
        var r = await Dotnet.RunAsync(Repo.Root, ["pack", "NixVmTasks.Packages.slnf", "-c", "Release", "-o", Directory, "-nologo"]);
        if (r.ExitCode != 0) throw new InvalidOperationException("packing NixVmTasks.Packages.slnf failed:\n" + r.Output);
        PackOutput = r.Output;
        var package = System.IO.Directory.GetFiles(Directory, "NixVmTasks.0*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(package)["NixVmTasks.".Length..];
    }

    public ValueTask DisposeAsync()
    {
        System.IO.Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
