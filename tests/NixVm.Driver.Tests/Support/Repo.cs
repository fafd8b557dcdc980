namespace NixVm.Driver.Tests.Support;

static class Repo
{
    public static readonly string Root = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "NixVmTasks.sln"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (NixVmTasks.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>A per-test directory under TestResults for logs the test leaves behind.</summary>
    public static string ResultsDirectory(string name)
    {
        var dir = PathOf("TestResults", "logs", name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
