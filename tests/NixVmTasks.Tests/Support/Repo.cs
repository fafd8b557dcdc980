namespace NixVmTasks.Tests.Support;

static class Repo
{
    public static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "NixVmTasks.sln"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (NixVmTasks.sln) above " + AppContext.BaseDirectory);
    }
}
