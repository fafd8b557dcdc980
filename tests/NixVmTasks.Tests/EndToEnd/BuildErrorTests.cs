using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>Mistakes in a real build are NIXVM errors at the project file and line, never a crash.</summary>
public sealed class BuildErrorTests(LocalFeed feed)
{
    [Fact(Timeout = 900_000)]
    public async Task Bad_items_and_missing_tools_are_located_errors()
    {
        using var project = new TestProject(feed, extraItems: """    <VirtualMachine Include="db" Vlans="0" />""");
        var bad = await project.BuildAsync();
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Matches($@"Web\.VmTests\.csproj\({project.LineOf("Include=\"db\"")}(,\d+)?\): error NIXVM007: nixvm: machine 'db': attribute 'vlans': VLAN 0 is out of range", bad.Output);

        // From here on the declaration is fine; the environment is not.
        File.WriteAllText(project.ProjectFile, File.ReadAllText(project.ProjectFile).Replace("""<VirtualMachine Include="db" Vlans="0" />""", ""));
        var fine = await project.BuildAsync("-p:NixVmRunTestsOnBuild=false");
        Assert.True(fine.ExitCode == 0, fine.ToString());
        File.AppendAllText(project.MachineFile, "\n");   // the images must be rebuilt for the next checks
        var kernel = await project.RunAsync(["build", "-nodeReuse:false", "--disable-build-servers"], new Dictionary<string, string?> { ["NIXVM_KERNEL_DIR"] = "/nonexistent/kernel" });
        Assert.Contains("error NIXVM022: no guest kernel in /nonexistent/kernel; set NIXVM_KERNEL_DIR or unpack one there (`dotnet build -t:NixVmDoctor` lists", kernel.Output);

        using var bin = new ToolDirectory("dotnet");
        var noNix = await project.RunAsync(["build", "-nodeReuse:false", "--disable-build-servers"], new Dictionary<string, string?> { ["PATH"] = bin.Path });
        Assert.Contains("error NIXVM020: nix-build was not found on PATH", noNix.Output);

        // NixVmNixBuildPath names nix-build's directory when PATH has none.
        using var nixBuildOnly = new ToolDirectory("nix-build");
        using var noNixBuildBin = new ToolDirectory("dotnet", "nix-store", "nix-instantiate", "sh", "bash", "cp", "mkdir", "cat", "ln", "chmod", "cpio", "find", "sort", "sed");
        var nixBuildPath = await project.RunAsync(["build", "-nodeReuse:false", "--disable-build-servers", "-p:NixVmRunTestsOnBuild=false", "-p:NixVmNixBuildPath=" + nixBuildOnly.Path],
            new Dictionary<string, string?> { ["PATH"] = noNixBuildBin.Path });
        Assert.True(nixBuildPath.ExitCode == 0, nixBuildPath.ToString());
        Assert.Contains("NixVm: built network", nixBuildPath.Output);

        using var noQemuBin = new ToolDirectory("dotnet", "nix-build", "nix-store", "nix-instantiate", "sh", "bash", "cp", "mkdir", "cat", "ln", "chmod", "cpio", "find", "sort", "sed");
        var noQemu = await project.RunAsync(["build", "-nodeReuse:false", "--disable-build-servers"], new Dictionary<string, string?> { ["PATH"] = noQemuBin.Path });
        Assert.True(noQemu.Output.Contains("error NIXVM021: qemu-system-x86_64 was not found on PATH"), noQemu.Output);
        Assert.Empty(project.LeftoverProcesses());
    }

    /// <summary>
    /// With none of the cache rules' variables set (no HOME, XDG_CACHE_HOME, NIXVM_CACHE_DIR) nor
    /// NIXVM_KERNEL_DIR, the kernel check has nowhere to look: one NIXVM022 at the project, no stack trace.
    /// </summary>
    [Fact(Timeout = 900_000)]
    public async Task Without_a_cache_directory_the_build_is_one_NIXVM022_error()
    {
        using var project = new TestProject(feed);
        var build = await project.RunAsync(["build", "-nodeReuse:false", "--disable-build-servers", "-nologo"],
            new Dictionary<string, string?> { ["HOME"] = null, ["XDG_CACHE_HOME"] = null, ["NIXVM_CACHE_DIR"] = null, ["NIXVM_KERNEL_DIR"] = null });

        Assert.NotEqual(0, build.ExitCode);
        var errors = build.Output.Split('\n').Where(l => l.Contains(": error ")).Select(l => l.Trim()).Distinct().ToList();
        var error = Assert.Single(errors);
        Assert.Equal($"{project.ProjectFile} : error NIXVM022: no guest kernel: no cache directory: none of NIXVM_CACHE_DIR, XDG_CACHE_HOME, HOME is set"
            + " and neither is NIXVM_KERNEL_DIR; set HOME (or NIXVM_KERNEL_DIR to the kernel's directory)", error);
        Assert.DoesNotContain("Exception", build.Output);
        Assert.DoesNotMatch(@"\n\s+at \S+\(", build.Output);
    }

    [Fact(Timeout = 900_000)]
    public async Task A_nix_error_in_a_machine_file_points_at_that_file()
    {
        using var project = new TestProject(feed);
        File.WriteAllText(project.MachineFile, "{\n  services = [ { name = \"x\"; command = undefinedThing; } ];\n}\n");
        var build = await project.BuildAsync();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"machines/webserver\.nix\(2(,\d+)?\): error NIXVM030: nix-build: undefined variable 'undefinedThing'", build.Output);

        // A rule of ours broken in the machine file: its code, at the attribute's line in that file.
        File.WriteAllText(project.MachineFile, "{\n  memoryMB = 512;\n  vlans = [ 1 1 ];\n}\n");
        var rule = await project.BuildAsync();
        Assert.NotEqual(0, rule.ExitCode);
        Assert.Matches(@"machines/webserver\.nix\(3(,\d+)?\): error NIXVM007: nixvm: machine 'webserver': attribute 'vlans': VLAN 1 is listed twice", rule.Output);
    }

    [Theory(Timeout = 900_000)]
    [InlineData("-p:NixVmBackend=docker", "NIXVM013: NixVmBackend 'docker' is not known")]
    [InlineData("-p:NixVmCoverage=maybe", "NIXVM026: NixVmCoverage 'maybe' is not a boolean ('true' or 'false')")]
    [InlineData("-p:NixVmSnapshots=never", "NIXVM026: NixVmSnapshots 'never' is not a boolean ('true' or 'false')")]
    [InlineData("-p:NixVmTimeoutSeconds=soon", "NIXVM026: NixVmTimeoutSeconds 'soon' is not a whole number of seconds")]
    public async Task Properties_are_checked_before_anything_is_compiled(string property, string error)
    {
        using var project = new TestProject(feed);
        var build = await project.BuildAsync(property);
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains($"Web.VmTests.csproj : error {error}", build.Output);
        Assert.DoesNotContain($"{TestProject.Name} -> ", build.Output);
    }

    [Fact(Timeout = 900_000)]
    public async Task Services_or_forwards_without_any_machine_are_NIXVM016()
    {
        using var project = new TestProject(feed);
        project.WriteProject("""    <PortForward Include="webserver" Host="8080" Guest="80" />""");
        var build = await project.BuildAsync();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("Web.VmTests.csproj : error NIXVM016: the project has VirtualMachineService or PortForward items but no VirtualMachine", build.Output);
        Assert.DoesNotContain("NIXVM009", build.Output);
    }
}

/// <summary>A PATH directory that holds only the named host programs (to test "tool missing" errors).</summary>
sealed class ToolDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("nixvmtasks-path-").FullName;

    public ToolDirectory(params string[] tools)
    {
        foreach (var tool in tools)
            foreach (var dir in new[] { "/usr/local/bin", "/usr/bin", "/bin", "/usr/share/dotnet" })
                if (File.Exists(System.IO.Path.Combine(dir, tool)))
                {
                    File.CreateSymbolicLink(System.IO.Path.Combine(Path, tool), System.IO.Path.Combine(dir, tool));
                    break;
                }
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
