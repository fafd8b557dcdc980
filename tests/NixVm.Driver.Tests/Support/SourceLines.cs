namespace NixVm.Driver.Tests.Support;

/// <summary>Line numbers of a source file found by their text, for assertions about which lines coverage counted.</summary>
static class SourceLines
{
    /// <summary>The 1-based number of the first line of <paramref name="file"/> containing <paramref name="text"/>; fails the test when there is none.</summary>
    public static int LineOf(string file, string text) => LineOf(File.ReadAllLines(file), text);

    /// <inheritdoc cref="LineOf(string, string)"/>
    public static int LineOf(string[] source, string text)
    {
        var index = Array.FindIndex(source, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(index >= 0, $"no line with '{text}'");
        return index + 1;
    }
}
