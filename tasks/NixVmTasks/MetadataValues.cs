using System.Globalization;
using System.Text.Json.Nodes;

namespace NixVmTasks;

/// <summary>
/// Turns item metadata text into the JSON values of a Nix declaration. Parsing only: a value that
/// does not parse is passed through as text, so nix/validate.nix (the one owner of every value
/// rule) rejects it with its own message and code.
/// </summary>
static class MetadataValues
{
    static readonly char[] ListSeparators = [';'];

    /// <summary>"256" → 256; "lots" → "lots".</summary>
    public static JsonNode NumberOrText(string text) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? JsonValue.Create(n) : JsonValue.Create(text)!;

    /// <summary>"a;b" → ["a","b"].</summary>
    public static JsonArray Strings(string text) =>
        new(Split(text).Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());

    /// <summary>"1;2" → [1,2]; "1;x" → [1,"x"].</summary>
    public static JsonArray Numbers(string text) =>
        new(Split(text).Select(NumberOrText).ToArray());

    /// <summary>"A=1;B=2" → { "A": "1", "B": "2" }; text with an entry that is not NAME=VALUE stays text.</summary>
    public static JsonNode Environment(string text)
    {
        var set = new JsonObject();
        foreach (var entry in Split(text))
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0 || set.ContainsKey(entry[..eq])) return JsonValue.Create(text)!;
            set[entry[..eq]] = entry[(eq + 1)..];
        }
        return set;
    }

    /// <summary>"tcp:80" → { "tcp": 80 }; "http://…" → { "http": "http://…" }; anything else is a shell command.</summary>
    public static JsonNode Ready(string text)
    {
        if (text.StartsWith("tcp:", StringComparison.Ordinal)) return new JsonObject { ["tcp"] = NumberOrText(text["tcp:".Length..]) };
        if (text.StartsWith("http://", StringComparison.Ordinal) || text.StartsWith("https://", StringComparison.Ordinal))
            return new JsonObject { ["http"] = text };
        return JsonValue.Create(text)!;
    }

    /// <summary>Command-line words: split at white space, "double quotes" keep a word together.</summary>
    public static JsonArray Arguments(string text)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        bool quoted = false, any = false;
        foreach (var c in text)
        {
            if (c == '"') { quoted = !quoted; any = true; }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any) words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else { word.Append(c); any = true; }
        }
        if (any) words.Add(word.ToString());
        return new JsonArray(words.Select(w => (JsonNode)JsonValue.Create(w)!).ToArray());
    }

    static IEnumerable<string> Split(string text) =>
        text.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
