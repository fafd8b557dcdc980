using NuGet.Frameworks;

namespace NixVmTasks;

/// <summary>
/// Decides whether the guest's .NET runtimes can run a service project. A guest shares the host's
/// <c>/usr</c>, so its runtimes are the shared frameworks of the host's <c>dotnet</c> under
/// <c>/usr</c>. Target frameworks are NuGet's to parse and compare; the roll-forward policy is the
/// .NET host's (<c>RollForward</c> in the project, <c>rollForward</c> in its runtimeconfig.json).
/// </summary>
static class ServiceFramework
{
    public const string CoreFramework = "Microsoft.NETCore.App";

    public readonly record struct Runtime(string Name, Version Version)
    {
        public override string ToString() => $"{Name} {Version}";
    }

    /// <summary>The shared frameworks of the guest's <c>dotnet</c>: the first on the guest's PATH that lives on a shared mount.</summary>
    public static (string? DotnetRoot, IReadOnlyList<Runtime> Runtimes) GuestRuntimes()
    {
        foreach (var dir in new[] { "/usr/local/bin", "/usr/bin", "/usr/sbin" })
        {
            var host = new FileInfo(Path.Combine(dir, "dotnet"));
            if (!host.Exists) continue;
            var target = host.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? host.FullName;
            var root = Path.GetDirectoryName(target)!;
            var shared = target.StartsWith("/usr/", StringComparison.Ordinal) || target.StartsWith("/nix/store/", StringComparison.Ordinal);
            return shared ? (root, Installed(root)) : (null, []);
        }
        return (null, []);
    }

    /// <summary>Frameworks under <c>&lt;root&gt;/shared/&lt;name&gt;/&lt;version&gt;</c> (preview suffixes ignored).</summary>
    public static IReadOnlyList<Runtime> Installed(string dotnetRoot)
    {
        var found = new List<Runtime>();
        var shared = Path.Combine(dotnetRoot, "shared");
        if (!Directory.Exists(shared)) return found;
        foreach (var fx in Directory.EnumerateDirectories(shared))
            foreach (var v in Directory.EnumerateDirectories(fx))
                if (Version.TryParse(Path.GetFileName(v).Split('-')[0], out var version))
                    found.Add(new Runtime(Path.GetFileName(fx), version));
        return found.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Version).ToList();
    }

    /// <summary>
    /// Of a project's target frameworks, the one to publish: the nearest to the newest runtime that can
    /// run it under <paramref name="rollForward"/>. Null when no runtime can run any of them.
    /// </summary>
    public static string? Choose(IReadOnlyList<string> targetFrameworks, string rollForward, IReadOnlyList<Runtime> runtimes)
    {
        var candidates = targetFrameworks.ToDictionary(t => NuGetFramework.Parse(t), t => t);
        foreach (var runtime in runtimes.Where(r => r.Name == CoreFramework).OrderByDescending(r => r.Version))
        {
            var runnable = candidates.Keys.Where(f => CanRun(f, runtime.Version, rollForward)).ToList();
            if (new FrameworkReducer().GetNearest(AsFramework(runtime.Version), runnable) is { } nearest) return candidates[nearest];
        }
        return null;
    }

    /// <summary>
    /// The frameworks a published runtimeconfig.json requests that no guest runtime satisfies
    /// (name and version, patch level included for the LatestPatch and Disable policies).
    /// </summary>
    public static IReadOnlyList<Runtime> Unsatisfied(IEnumerable<Runtime> requested, string rollForward, IReadOnlyList<Runtime> runtimes) =>
        requested.Where(req => !runtimes.Any(r => r.Name == req.Name && CanRun(req.Version, r.Version, rollForward))).ToList();

    /// <summary>Whether a runtime of <paramref name="available"/> runs a project targeting <paramref name="target"/>.</summary>
    static bool CanRun(NuGetFramework target, Version available, string rollForward) =>
        target.Framework == FrameworkConstants.FrameworkIdentifiers.NetCoreApp
        // Compatible: the runtime's framework is the target's or newer (and the target names no other OS).
        && DefaultCompatibilityProvider.Instance.IsCompatible(AsFramework(available), target)
        && Policy(rollForward) switch
        {
            RollForward.Disable or RollForward.LatestPatch => available.Major == target.Version.Major && available.Minor == target.Version.Minor,
            RollForward.Minor or RollForward.LatestMinor => available.Major == target.Version.Major,
            _ => true,
        };

    static bool CanRun(Version requested, Version available, string rollForward) =>
        CanRun(AsFramework(requested), available, rollForward)
        && Policy(rollForward) switch
        {
            RollForward.Disable => available == Normalize(requested),
            _ => available >= Normalize(requested),
        };

    static NuGetFramework AsFramework(Version v) => new(FrameworkConstants.FrameworkIdentifiers.NetCoreApp, new Version(v.Major, v.Minor));

    static Version Normalize(Version v) => new(v.Major, v.Minor, Math.Max(v.Build, 0));

    enum RollForward { Disable, LatestPatch, Minor, LatestMinor, Major, LatestMajor }

    /// <summary>The .NET host's policy names, case-insensitive; empty means its default, Minor.</summary>
    static RollForward Policy(string rollForward) =>
        Enum.TryParse<RollForward>(rollForward, ignoreCase: true, out var p) ? p : RollForward.Minor;

    public static bool IsKnownPolicy(string rollForward) =>
        rollForward.Length == 0 || Enum.TryParse<RollForward>(rollForward, ignoreCase: true, out _);
}
