namespace NixVmTasks;

/// <summary>
/// Makes a service's publish folder equal to a fresh publish without touching the files that did
/// not change: what feeds the image build is then newer only where the output really changed.
/// </summary>
static class PublishSync
{
    /// <summary>Copies new and changed files from <paramref name="source"/>, deletes the ones it lacks; whether anything changed.</summary>
    public static bool Mirror(string source, string target)
    {
        var changed = false;
        Directory.CreateDirectory(target);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            wanted.Add(relative);
            var existing = Path.Combine(target, relative);
            if (File.Exists(existing) && Same(file, existing)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(existing)!);
            File.Copy(file, existing, overwrite: true);
            changed = true;
        }
        foreach (var file in Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).ToList())
            if (!wanted.Contains(Path.GetRelativePath(target, file)))
            {
                File.Delete(file);
                changed = true;
            }
        foreach (var dir in Directory.EnumerateDirectories(target, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).ToList())
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        return changed;
    }

    static bool Same(string a, string b) =>
        new FileInfo(a).Length == new FileInfo(b).Length && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
}
