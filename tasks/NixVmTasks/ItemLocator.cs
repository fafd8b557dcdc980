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

    public (string File, int Line) Locate(ITaskItem item, string itemType)
    {
        var file = item.GetMetadata("DefiningProjectFullPath");
        if (string.IsNullOrEmpty(file) || !File.Exists(file)) return (file, 0);
        if (!files.TryGetValue(file, out var elements)) files[file] = elements = Read(file);
        foreach (var e in elements)
            if (e.Type == itemType && e.Include.Split(';').Any(i => i.Trim() == item.ItemSpec.Trim()))
                return (file, e.Line);
        return (file, 0);
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
