using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// Everything that feeds a run is an input (README: "What reruns a build"): a Nix file the machine
/// file imports, a file it reads, a referenced project's code, NixVm* properties given with -p:.
/// An unchanged project still does nothing.
/// </summary>
public sealed class InputsTests(LocalFeed feed)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    const string LibraryTest = """
            [Fact]
            public void The_referenced_library_greets()
        {
            Assert.NotNull(network);
            Assert.Equal("hello", Web.Lib.Greeter.Greet());
        }
        """;

    [Fact(Timeout = 1_200_000)]
    public async Task Imported_nix_files_read_files_referenced_projects_and_properties_rerun_the_build()
    {
        using var project = new TestProject(feed, extraItems: """    <ProjectReference Include="../Web.Lib/Web.Lib.csproj" />""", extraTests: LibraryTest);
        var library = Path.Combine(project.Root, "Web.Lib", "Greeter.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(library)!);
        await File.WriteAllTextAsync(Path.Combine(project.Root, "Web.Lib", "Web.Lib.csproj"),
            """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>""", Ct);
        await File.WriteAllTextAsync(library, """namespace Web.Lib; public static class Greeter { public static string Greet() => "hello"; }""", Ct);
        // The machine file imports common.nix, which reads the page from index.html.
        var machineDir = Path.GetDirectoryName(project.MachineFile)!;
        await File.WriteAllTextAsync(project.MachineFile,
            "import ./common.nix // {\n  services = [ { name = \"httpd\"; command = \"busybox httpd -f -p 80 -h /var/www\"; ready = \"nc -z 127.0.0.1 80\"; } ];\n}\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(machineDir, "common.nix"), "{ files.\"/var/www/index.html\" = builtins.readFile ./site/index.html; }\n", Ct);
        Directory.CreateDirectory(Path.Combine(machineDir, "site"));
        await File.WriteAllTextAsync(Path.Combine(machineDir, "site", "index.html"), "Hello from webserver\n", Ct);

        var first = await project.BuildAsync();
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("NixVm: VM tests: 3 passed, 0 failed, 0 skipped", first.Output);
        await AssertNoOpAsync(project);

        // (c) A property given with -p: is checked at once, before anything is compiled.
        var warp = await project.BuildAsync("-p:NixVmAccelerator=warp");
        Assert.NotEqual(0, warp.ExitCode);
        Assert.Contains("Web.VmTests.csproj : error NIXVM014: NixVmAccelerator 'warp' is not known", warp.Output);
        Assert.DoesNotContain($"{TestProject.Name} -> ", warp.Output);
        await AssertNoOpAsync(project);

        // A NixVm* property given with -p: is an input of the test run.
        var property = await project.BuildAsync("-p:NixVmTimeoutSeconds=1200");
        Assert.True(property.ExitCode == 0, property.ToString());
        Assert.DoesNotContain("NixVm: built network", property.Output);
        Assert.Contains("NixVm: VM tests: 3 passed, 0 failed, 0 skipped", property.Output);

        // (a) A change in a Nix file the machine file imports rebuilds the images and reruns the tests.
        await File.WriteAllTextAsync(Path.Combine(machineDir, "common.nix"),
            "{ memoryMB = 192; files.\"/var/www/index.html\" = builtins.readFile ./site/index.html; }\n", Ct);
        var imported = await project.BuildAsync();
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("NixVm: built network", imported.Output);
        Assert.Contains("NixVm: VM tests: 3 passed, 0 failed, 0 skipped", imported.Output);

        // ... and so does a file it reads.
        await File.WriteAllTextAsync(Path.Combine(machineDir, "site", "index.html"), "Hello from webserver, again\n", Ct);
        var read = await project.BuildAsync("-p:NixVmRunTestsOnBuild=false");
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Contains("NixVm: built network", read.Output);

        // (b) A code change in a referenced project (its reference assembly stays the same) reruns the tests, which fail.
        await File.WriteAllTextAsync(library, """namespace Web.Lib; public static class Greeter { public static string Greet() => "bye"; }""", Ct);
        var referenced = await project.BuildAsync();
        Assert.NotEqual(0, referenced.ExitCode);
        Assert.Matches(@"error NIXVM040: VM test failed: [\w.]*The_referenced_library_greets: Assert\.Equal\(\) Failure", referenced.Output);
        Assert.Empty(project.LeftoverProcesses());
    }

    /// <summary>A build of the unchanged project runs neither nix-build nor the tests.</summary>
    static async Task AssertNoOpAsync(TestProject project)
    {
        var junit = File.GetLastWriteTimeUtc(project.JUnitFile);
        var again = await project.BuildAsync();
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain("NixVm: built network", again.Output);
        Assert.DoesNotContain("NixVm: VM tests:", again.Output);
        Assert.Equal(junit, File.GetLastWriteTimeUtc(project.JUnitFile));
    }
}
