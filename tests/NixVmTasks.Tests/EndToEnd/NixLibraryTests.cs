using System.Text.Json;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>Hand-written Nix outside the project imports the package's Nix library through the file the build writes.</summary>
public sealed class NixLibraryTests(LocalFeed feed)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 900_000)]
    public async Task Obj_nixvm_imports_the_library_and_buildVms_takes_machine_files_and_functions()
    {
        using var project = new TestProject(feed);
        var build = await project.BuildAsync("-p:NixVmRunTestsOnBuild=false");
        Assert.True(build.ExitCode == 0, build.ToString());

        // Machines as a NixFile holds them: the path of a file, and a function called with { nixvm }.
        var handWritten = Path.Combine(project.Root, "hand.nix");
        await File.WriteAllTextAsync(handWritten, $$"""
            let nixvm = import {{project.ProjectDirectory}}/obj/nixvm { };
            in nixvm.buildVms {
              name = "hand";
              machines = {
                web = {{project.MachineFile}};
                fn = { nixvm, ... }: { memoryMB = 192; kernelParams = [ "nixvm.lib=${builtins.typeOf nixvm.lib.machine}" ]; };
              };
            }
            """, Ct);
        var r = await NixBuildCommand.RunAsync(handWritten);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(File.Exists(Path.Combine(r.Stdout, "bin", "run-vms")));
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(r.Stdout, "network.json"), Ct));
        var names = manifest.RootElement.GetProperty("machines").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Equal(["fn", "web"], names);
    }
}
