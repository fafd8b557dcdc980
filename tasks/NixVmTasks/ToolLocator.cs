namespace NixVmTasks;

/// <summary>Finds host programs on PATH (the build's tools must come from the user's system).</summary>
static class ToolLocator
{
    public static string? Find(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The dotnet host running this build (MSBuild sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Find("dotnet") ?? "dotnet";

    /// <summary>The guest kernel cache that scripts/bootstrap fills (same rule as nix/default.nix).</summary>
    public static string KernelDirectory()
    {
        if (Environment.GetEnvironmentVariable("NIXVM_KERNEL_DIR") is { Length: > 0 } dir) return dir;
        if (Environment.GetEnvironmentVariable("NIXVM_CACHE_DIR") is { Length: > 0 } cacheDir) return Path.Combine(cacheDir, "kernel", "current");
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "nixvmtasks", "kernel", "current");
    }
}
