using System.Text.Json;

namespace NixVmTasks;

/// <summary>
/// What a service's publish depends on, for the next build's up-to-date check (which must not
/// evaluate the project): the directories of the project and of every project it references
/// (from its project.assets.json; NixVmTasks.Services.targets globs them without bin/ and obj/),
/// and the directories above them, where it globs the files MSBuild and NuGet pick up from there
/// (Directory.Build.*, Directory.Packages.props, global.json, NuGet.Config), also ones created later.
/// </summary>
static class PublishInputs
{
    public static IReadOnlyList<string> ProjectDirectories(string projectFile, string assetsFile)
    {
        var projectDir = Path.GetDirectoryName(Path.GetFullPath(projectFile))!;
        var dirs = new SortedSet<string>(StringComparer.Ordinal) { projectDir };
        if (!File.Exists(assetsFile)) return dirs.ToList();
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        if (assets.RootElement.TryGetProperty("libraries", out var libraries))
            foreach (var library in libraries.EnumerateObject())
                if (library.Value.TryGetProperty("type", out var type) && type.GetString() == "project"
                    && library.Value.TryGetProperty("path", out var path) && path.GetString() is { } relative)
                    dirs.Add(Path.GetDirectoryName(Path.GetFullPath(Path.Combine(projectDir, relative)))!);
        return dirs.ToList();
    }

    /// <summary>Every directory above the given ones.</summary>
    public static IReadOnlyList<string> Above(IEnumerable<string> directories)
    {
        var above = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var start in directories)
            for (var d = new DirectoryInfo(start).Parent; d is not null; d = d.Parent)
                above.Add(d.FullName);
        return above.ToList();
    }
}
