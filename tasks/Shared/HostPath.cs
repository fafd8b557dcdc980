namespace NixVm.Shared;

/// <summary>Finds a program on PATH, as a shell would (the host's tools come from the user's system).</summary>
static class HostPath
{
    public static string? Find(string program)
    {
        foreach (var dir in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
