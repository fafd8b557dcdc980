using System.Text.RegularExpressions;

namespace NixVmTasks;

/// <summary>
/// One error of nix-build: the message, its code and the Nix file and line it names. Our
/// nix/validate.nix ends each message with <c>[NIXVMnnn]</c> or <c>[NIXVMnnn at /file.nix:LINE]</c>;
/// Nix's own errors (syntax, undefined variables) have no code and an <c>at /file.nix:LINE:COL:</c> line.
/// </summary>
sealed record NixError(string Message, string? Code, string? File, int Line);

/// <summary>Reads Nix 2.x error output: an <c>error: …</c> line, its continuation, later an <c>at</c> line.</summary>
static class NixErrors
{
    static readonly Regex At = new(@"^\s*at (/[^:]+):(\d+):(\d+):?\s*$");
    static readonly Regex Tag = new(@"\s*\[(NIXVM\d{3})(?: at (/.+):(\d+))?\]$");

    public static IEnumerable<NixError> Parse(IEnumerable<string> lines)
    {
        string? message = null, file = null;
        var line = 0;
        var continues = false;
        foreach (var raw in lines)
        {
            if (raw.StartsWith("error:", StringComparison.Ordinal))
            {
                if (message is not null) yield return WithCode(message, file, line);
                (message, file, line, continues) = (raw["error:".Length..].Trim(), null, 0, true);
            }
            else if (message is null) continue;
            else if (raw.Trim().Length == 0) continues = false;
            else if (file is null && At.Match(raw) is { Success: true } m)
                (file, line) = (m.Groups[1].Value, int.Parse(m.Groups[2].Value));
            else if (continues && !raw.StartsWith(' ') && !raw.StartsWith("(use '--show-trace'", StringComparison.Ordinal))
                message += " " + raw.Trim();
        }
        if (message is not null) yield return WithCode(message, file, line);
    }

    /// <summary>The code tag's location wins: it is where the offending attribute was written.</summary>
    static NixError WithCode(string message, string? file, int line)
    {
        var tag = Tag.Match(message);
        if (!tag.Success) return new NixError(message, null, file, line);
        var text = message[..tag.Index];
        return tag.Groups[2].Success
            ? new NixError(text, tag.Groups[1].Value, tag.Groups[2].Value, int.Parse(tag.Groups[3].Value))
            : new NixError(text, tag.Groups[1].Value, null, 0);
    }
}
