using System.Xml;
using Microsoft.Build.Framework;

namespace NixVmTasks;

/// <summary>
/// Finds the file and line that declared an item, so errors point at the offending
/// <c>&lt;VirtualMachine Include="…"/&gt;</c>. MSBuild hands tasks no line numbers, but every item
/// carries <c>DefiningProjectFullPath</c>; we read that file with line information.
/// </summary>
sealed class ItemLocator
{
    readonly Dictionary<string, List<(string Type, string Include, int Line)>> files = new();

    /// <summary>
    /// Where <c>items[index]</c> was written. Items of the same name are told apart by their order,
    /// so a duplicate is reported at its own line, not at the first declaration's.
    /// </summary>
    public (string File, int Line) Locate(IReadOnlyList<ITaskItem> items, int index, string itemType)
    {
        var item = items[index];
        var file = item.GetMetadata("DefiningProjectFullPath");
        if (string.IsNullOrEmpty(file) || !File.Exists(file)) return (file, 0);
        var occurrence = Enumerable.Range(0, index).Count(i =>
            items[i].ItemSpec.Trim() == item.ItemSpec.Trim() && items[i].GetMetadata("DefiningProjectFullPath") == file);
        if (!files.TryGetValue(file, out var elements)) files[file] = elements = Read(file);
        var matches = elements.Where(e => e.Type == itemType && e.Include.Split(';').Any(i => i.Trim() == item.ItemSpec.Trim())).ToList();
        return matches.Count == 0 ? (file, 0) : (file, matches[Math.Min(occurrence, matches.Count - 1)].Line);
    }

    static List<(string, string, int)> Read(string file)
    {
        var found = new List<(string, string, int)>();
        try
        {
            using var reader = XmlReader.Create(file, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
            var info = (IXmlLineInfo)reader;
            while (reader.Read())
                if (reader.NodeType == XmlNodeType.Element && reader.GetAttribute("Include") is { } include)
                    found.Add((reader.LocalName, include, info.LineNumber));
        }
        catch (XmlException) { }
        return found;
    }
}
