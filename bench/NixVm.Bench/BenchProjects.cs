namespace NixVm.Bench;

/// <summary>
/// VM test projects the benchmarks make outside the repository, against the user packages packed
/// from this checkout into a feed of their own.
/// </summary>
static class BenchProjects
{
    /// <summary>
    /// Packs NixVmTasks.Packages.slnf (as the README does) into <c>&lt;root&gt;/feed</c> and writes
    /// <c>&lt;root&gt;/nuget.config</c> naming it; returns the NixVmTasks version. Builds need a
    /// packages folder of their own (NUGET_PACKAGES): the version does not change with uncommitted edits.
    /// </summary>
    public static async Task<string> PackAsync(string repoRoot, string root, CancellationToken ct)
    {
        var feed = Path.Combine(root, "feed");
        await NoOpBuildBenchmark.DotnetAsync(repoRoot, ct, "pack", "NixVmTasks.Packages.slnf", "-c", "Release", "-o", feed);
        File.WriteAllText(Path.Combine(root, "nuget.config"),
            $"<configuration><packageSources><add key=\"local\" value=\"{feed}\" /></packageSources></configuration>");
        return Path.GetFileNameWithoutExtension(Directory.GetFiles(feed, "NixVmTasks.0*.nupkg").Single())["NixVmTasks.".Length..];
    }

    /// <summary>Writes <c>&lt;dir&gt;/&lt;name&gt;.csproj</c>: an xunit v3 executable for net10.0 with these properties and items.</summary>
    public static void WriteProject(string dir, string name, string properties, string items)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="xunit.v3" Version="4.0.2" />
                {items}
              </ItemGroup>
            </Project>
            """);
    }
}
