namespace NixVmTasks;

/// <summary>
/// The help link of a NIXVM code: its entry in the README the package ships (<c>README.md#nixvm040</c>,
/// a file: URL, so it matches the installed version and needs no network). The terminal logger makes
/// the code a link to it. Null when this assembly does not run from a package (a checkout's bin/).
/// </summary>
static class HelpLinks
{
    // The package layout: <package>/tools/tasks/net8.0/NixVmTasks.dll and <package>/README.md.
    static readonly string? Readme = FindReadme();

    public static string? For(string? code) =>
        Readme is null || code is null || !code.StartsWith("NIXVM", StringComparison.Ordinal)
            ? null : new Uri(Readme).AbsoluteUri + "#" + code.ToLowerInvariant();

    static string? FindReadme()
    {
        var dir = Path.GetDirectoryName(typeof(HelpLinks).Assembly.Location);
        if (string.IsNullOrEmpty(dir)) return null;
        var readme = Path.GetFullPath(Path.Combine(dir, "..", "..", "..", "README.md"));
        return File.Exists(readme) ? readme : null;
    }
}
