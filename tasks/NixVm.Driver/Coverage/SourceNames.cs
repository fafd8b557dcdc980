using System.Text.RegularExpressions;

namespace NixVm.Driver.Coverage;

/// <summary>
/// How the readable reports (HTML, Cobertura) name a source file: without the store path's hash,
/// starting with the program it belongs to. nixvm.lib builds keep a program's sources in
/// <c>/nix/store/&lt;hash&gt;-&lt;name&gt;/lib/nixvm-coverage/&lt;program&gt;/…</c>, named
/// <c>&lt;program&gt;/…</c> (<c>svnhelper/src/util.c</c>); another store path's file is
/// <c>&lt;name&gt;/…</c>; a file outside the store keeps its path (<c>/usr/include/…</c>).
/// </summary>
static partial class SourceNames
{
    /// <summary>The name the reports show.</summary>
    public static string Of(string path) =>
        Store().Match(path) is not { Success: true } m ? path
        : m.Groups["instrumented"].Success ? m.Groups["instrumented"].Value
        : m.Groups["name"].Value + m.Groups["rest"].Value;

    /// <summary>
    /// The directory that <see cref="Of"/>'s name is relative to (a Cobertura source root), or null
    /// when the name is not a path below one.
    /// </summary>
    public static string? RootOf(string path) =>
        Store().Match(path) is { Success: true } m && m.Groups["instrumented"].Success ? path[..^(m.Groups["instrumented"].Value.Length + 1)] : null;

    /// <summary>The program (or package) a file belongs to: its name's first component, or its directory outside the store.</summary>
    public static string ProgramOf(string path) =>
        Of(path) is var name && name.StartsWith('/') ? Path.GetDirectoryName(name) ?? "/" : name.Split('/')[0];

    [GeneratedRegex(@"^/nix/store/[0-9a-z]{32}-(?<name>[^/]+)(?:/lib/nixvm-coverage/(?<instrumented>.+)|(?<rest>/.*))$")]
    private static partial Regex Store();
}
