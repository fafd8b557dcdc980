using System.Text.RegularExpressions;

namespace NixVmTasks;

/// <summary>
/// The files a network's Nix evaluation read, so the next build reruns nix-build when one changes.
/// nix-build -vv names every Nix file it evaluates (<c>evaluating file '…'</c>) and every path it copies
/// into the store for a derivation (<c>copied source '…' -&gt; …</c>: <c>src = ./dir;</c>). Nix 2.8 logs
/// neither <c>builtins.readFile</c> nor <c>builtins.path</c> (how a <c>files</c> source is copied), so
/// the relative path literals (<c>./index.html</c>, <c>../common</c>) of each evaluated file that
/// exist count too. Directories stand for all the files in them.
/// </summary>
static class EvaluationInputs
{
    static readonly Regex Evaluated = new(@"^evaluating file '(/.+)'$");
    static readonly Regex Copied = new(@"^copied source '(/.+)' -> '");
    static readonly Regex PathLiteral = new(@"(?<![\w.+/-])\.\.?(?:/[\w.+-]+)+");

    /// <param name="log">nix-build's -vv output.</param>
    /// <param name="ignore">Directories whose files are inputs already (the package's nix/), or not files at all (/nix/store).</param>
    public static SortedSet<string> FromLog(IEnumerable<string> log, IReadOnlyList<string> ignore)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in log)
        {
            if (Evaluated.Match(line) is { Success: true } e && !Ignored(e.Groups[1].Value, ignore))
            {
                paths.Add(e.Groups[1].Value);
                foreach (var literal in Literals(e.Groups[1].Value)) AddPath(paths, literal, ignore);
            }
            else if (Copied.Match(line) is { Success: true } c) AddPath(paths, c.Groups[1].Value, ignore);
        }
        return paths;
    }

    /// <summary>A file, or all the files under a directory; paths that do not exist are left out.</summary>
    public static void AddPath(SortedSet<string> paths, string path, IReadOnlyList<string> ignore)
    {
        if (Ignored(path, ignore)) return;
        if (File.Exists(path)) paths.Add(path);
        else if (Directory.Exists(path))
            foreach (var file in Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
                paths.Add(file);
    }

    static IEnumerable<string> Literals(string nixFile)
    {
        string text;
        try { text = File.ReadAllText(nixFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        var dir = Path.GetDirectoryName(nixFile)!;
        foreach (Match m in PathLiteral.Matches(text)) yield return Path.GetFullPath(Path.Combine(dir, m.Value));
    }

    static bool Ignored(string path, IReadOnlyList<string> ignore) =>
        ignore.Any(d => path.StartsWith(d.TrimEnd('/') + "/", StringComparison.Ordinal));
}
