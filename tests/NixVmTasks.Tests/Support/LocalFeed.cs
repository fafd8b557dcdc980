namespace NixVmTasks.Tests.Support;

/// <summary>
/// Packs NixVmTasks and its template pack from this checkout into a local folder feed. The version is
/// Nerdbank.GitVersioning's, which does not change with uncommitted edits, so the copy NuGet cached
/// from an earlier pack of the same version is removed first.
/// </summary>
public sealed class LocalFeed : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("nixvmtasks-feed-").FullName;
    public string Version { get; private set; } = "";
    public string TemplatePackage => System.IO.Directory.GetFiles(Directory, "NixVmTasks.Templates.*.nupkg").Single();

    public async ValueTask InitializeAsync()
    {
        foreach (var project in new[] { "tasks/NixVmTasks/NixVmTasks.csproj", "templates/NixVmTasks.Templates.csproj" })
        {
            var r = await Dotnet.RunAsync(Repo.Root, ["pack", project, "-c", "Release", "-o", Directory, "-nologo"]);
            if (r.ExitCode != 0) throw new InvalidOperationException($"packing {project} failed:\n" + r.Output);
        }
        var package = System.IO.Directory.GetFiles(Directory, "NixVmTasks.0*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(package)["NixVmTasks.".Length..];
        var cached = Path.Combine(NuGetPackagesFolder(), "nixvmtasks", Version);
        if (System.IO.Directory.Exists(cached)) System.IO.Directory.Delete(cached, recursive: true);
    }

    static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public ValueTask DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
