using System.Collections;
using Microsoft.Build.Framework;

namespace NixVmTasks.Tests.Support;

/// <summary>
/// An item as MSBuild hands it to a task, including the reserved DefiningProjectFullPath that
/// Microsoft.Build.Utilities.TaskItem refuses to set.
/// </summary>
sealed class ProjectItem(string itemSpec, string definingProject, IDictionary<string, string> custom) : ITaskItem
{
    public string ItemSpec { get; set; } = itemSpec;
    public ICollection MetadataNames => custom.Keys.Append("DefiningProjectFullPath").ToList();
    public int MetadataCount => custom.Count + 1;

    public string GetMetadata(string name) =>
        name == "DefiningProjectFullPath" ? definingProject
        : custom.TryGetValue(name, out var v) ? v : "";

    /// <summary>The items of a project file, as MSBuild would hand them to a task: items of a type by its name.</summary>
    public static Func<string, ITaskItem[]> Load(string projectFile)
    {
        var items = System.Xml.Linq.XDocument.Load(projectFile).Descendants()
            .Where(e => e.Attribute("Include") is not null)
            .Select(e => (Type: e.Name.LocalName, Item: (ITaskItem)new ProjectItem(e.Attribute("Include")!.Value, projectFile,
                e.Attributes().Where(a => a.Name != "Include").ToDictionary(a => a.Name.LocalName, a => a.Value))))
            .ToList();
        return type => items.Where(i => i.Type == type).Select(i => i.Item).ToArray();
    }

    public IDictionary CloneCustomMetadata() => new Hashtable(custom.ToDictionary(p => p.Key, p => (object)p.Value));

    public void SetMetadata(string name, string value) => custom[name] = value;
    public void RemoveMetadata(string name) => custom.Remove(name);
    public void CopyMetadataTo(ITaskItem destination) => throw new NotSupportedException();
}
