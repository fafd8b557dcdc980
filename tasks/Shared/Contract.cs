using System.Text.Json;

namespace NixVm.Shared;

/// <summary>
/// nix/contracts.json, embedded: the environment variables, directories and guest strings that the
/// task assembly, the driver, the start scripts and the guest agree on. Nix writes its copies from
/// the same file, so a name changes in one place.
/// </summary>
static class Contract
{
    public static EnvironmentNames Environment => Values.Environment;
    public static GuestStrings Guest => Values.Guest;
    public static DirectoryRules Directories => Values.Directories;
    public static TestRunRule TestRun => Values.TestRun;

    static readonly ContractFile Values = Load();

    static ContractFile Load()
    {
        using var stream = typeof(Contract).Assembly.GetManifestResourceStream("nixvm.contracts.json")
            ?? throw new InvalidOperationException("nix/contracts.json is not embedded in " + typeof(Contract).Assembly.GetName().Name);
        return JsonSerializer.Deserialize<ContractFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("nix/contracts.json is empty");
    }

    /// <summary>
    /// The cache directory: the first rule whose variable is set, with its suffix; null when none is
    /// (each caller reports <see cref="NoCacheDirectory"/> its own way: a doctor check, an MSBuild error, a driver exception).
    /// </summary>
    public static string? CacheDirectory(Func<string, string?>? environment = null)
    {
        environment ??= System.Environment.GetEnvironmentVariable;
        foreach (var rule in Directories.Cache)
            if (environment(rule.Variable) is { Length: > 0 } value)
                return value + rule.Append;
        return null;
    }

    /// <summary>Why <see cref="CacheDirectory"/> is null (the words of nix/lib.nix's cacheDir).</summary>
    public static string NoCacheDirectory => "no cache directory: none of " + string.Join(", ", Directories.Cache.Select(r => r.Variable)) + " is set";

    /// <summary>The guest kernel (boot/, lib/modules/) that scripts/bootstrap unpacks; null when neither its variable nor a cache directory is set.</summary>
    public static string? KernelDirectory(Func<string, string?>? environment = null)
    {
        environment ??= System.Environment.GetEnvironmentVariable;
        return environment(Directories.KernelVariable) is { Length: > 0 } dir ? dir
            : CacheDirectory(environment) is { } cache ? cache + Directories.KernelBelowCache : null;
    }
}

sealed record ContractFile(EnvironmentNames Environment, DirectoryRules Directories, TestRunRule TestRun, GuestStrings Guest);

/// <summary>Names of the environment variables that pass settings between processes.</summary>
sealed record EnvironmentNames(string Manifest, string LogDirectory, string Accelerator, string Coverage,
    string CoverageDirectory, string RemapPorts, string StartAccelerator, string HostForwards, string Qemu, string ReadyTimeout, string Snapshots);

sealed record DirectoryRule(string Variable, string Append);

/// <summary>
/// The cache and kernel directory rules; <c>HostExchange</c> is a machine's exchange directory below its state directory,
/// <c>HostCoverageData</c> where instrumented code run on the host writes below the cache (nix/coverage/runtime.c).
/// </summary>
sealed record DirectoryRules(IReadOnlyList<DirectoryRule> Cache, string KernelVariable, string KernelBelowCache, string HostExchange, string HostCoverageData);

/// <summary>What the guest prints and where it keeps what the host reads.</summary>
sealed record GuestStrings(string FatalMarker, string ReadyBanner, string BackdoorReady, string ProbeParameter, string ProbeMarker,
    string Exchange, string Shared, string ServiceLogs, string SavedLogs, string CoverageData, string CoverageErrors);

/// <summary>
/// How the compiled xunit v3 tests run: <c>dotnet</c> with <see cref="Arguments"/>, results in <see cref="JUnit"/>
/// (templates with {assembly}, {junit}, {results}, {name}); nix/lib.nix renders the same for runTests' builder.
/// </summary>
sealed record TestRunRule(IReadOnlyList<string> Arguments, string JUnit)
{
    /// <summary>The JUnit file of <paramref name="assembly"/>'s run in <paramref name="results"/> (with or without a trailing /).</summary>
    public string JUnitFile(string assembly, string results) =>
        JUnit.Replace("{results}", results.TrimEnd('/')).Replace("{name}", Path.GetFileNameWithoutExtension(assembly));

    /// <summary>dotnet's arguments that run <paramref name="assembly"/> with its results in <paramref name="results"/>.</summary>
    public IReadOnlyList<string> ArgumentsFor(string assembly, string results)
    {
        var junit = JUnitFile(assembly, results);
        return [.. Arguments.Select(a => a.Replace("{assembly}", assembly).Replace("{junit}", junit))];
    }
}
