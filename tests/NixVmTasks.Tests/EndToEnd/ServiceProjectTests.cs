using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// VirtualMachineService Project= items in a real build outside the repository: the project is
/// published before the declaration is written, again only when its inputs change, and every
/// mistake is one NIXVM07x error at the item's line.
/// </summary>
public sealed class ServiceProjectTests(LocalFeed feed)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 900_000)]
    public async Task A_service_project_is_published_once_and_again_when_an_input_changes()
    {
        using var project = new TestProject(feed, extraItems: """
                <VirtualMachineService Include="api" Machine="webserver" Project="../Api/Api.csproj" Arguments="--urls http://0.0.0.0:5000" />
            """);
        ServiceProjects.MinimalApi(project.Root);
        var services = Path.Combine(project.ProjectDirectory, "obj", "Debug", "net10.0", "nixvm", "services");
        var publish = Path.Combine(services, "api", "publish");

        var first = await project.BuildAsync("-p:NixVmRunTestsOnBuild=false");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("NixVm: publishing Api.csproj (net10.0) for service 'api' on 'webserver'", first.Output);
        foreach (var file in new[] { "Api.dll", "Lib.dll", "Api.runtimeconfig.json" })
            Assert.True(File.Exists(Path.Combine(publish, file)), $"{file} is not in {publish}");
        Assert.Equal("Api.dll", await File.ReadAllTextAsync(Path.Combine(services, "api", "assembly"), Ct));
        // The item's PublishDirectory and Assembly, as the declaration names them.
        var declaration = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(services, "..", "network.json"), Ct))!;
        var dotnet = declaration["machines"]!["webserver"]!["services"]!.AsArray().Single(s => (string?)s!["name"] == "api")!["dotnet"]!;
        Assert.Equal(publish, (string?)dotnet["publishDir"]);
        Assert.Equal("Api.dll", (string?)dotnet["assembly"]);
        // The publish keeps its obj/ and bin/ apart from the user's own builds of the project.
        Assert.False(Directory.Exists(Path.Combine(project.Root, "Api", "obj")));

        string last = "";
        async Task<bool> Published(params string[] properties)
        {
            var build = await project.BuildAsync(["-p:NixVmRunTestsOnBuild=false", .. properties]);
            Assert.True(build.ExitCode == 0, build.ToString());
            last = build.Output;
            return build.Output.Contains("NixVm: publishing Api.csproj");
        }
        Assert.False(await Published());   // nothing changed

        var greeting = Path.Combine(project.Root, "Lib", "Greeting.cs");   // a referenced project's source
        await File.WriteAllTextAsync(greeting, (await File.ReadAllTextAsync(greeting, Ct)).Replace("hello", "hi"), Ct);
        Assert.True(await Published());
        Assert.False(await Published());

        var added = Path.Combine(project.Root, "Lib", "More.cs");
        await File.WriteAllTextAsync(added, "namespace Lib; public static class More { }", Ct);
        File.SetLastWriteTimeUtc(added, DateTime.UtcNow.AddDays(-1));   // an old file (copied, checked out) is still new to the build
        Assert.True(await Published());
        File.Delete(added);
        Assert.True(await Published());

        await File.WriteAllTextAsync(Path.Combine(project.Root, "Directory.Build.props"), "<Project />", Ct);   // imported by the service project
        Assert.True(await Published());
        Assert.DoesNotContain("NixVm: built network", last);   // the same published files: the images stay
        Assert.False(await Published());
        Assert.True(await Published("-p:NixVmServicePublishProperties=InvariantGlobalization=true"));

        // NixVmServiceConfiguration (Release by default) is the publish's configuration: the artifacts' folder names it.
        var builds = Path.Combine(services, "api", "artifacts", "bin", "Api");
        Assert.Equal(["release"], Directory.GetDirectories(builds).Select(Path.GetFileName));
        Assert.True(await Published("-p:NixVmServicePublishProperties=InvariantGlobalization=true", "-p:NixVmServiceConfiguration=Debug"));
        Assert.Contains("debug", Directory.GetDirectories(builds).Select(Path.GetFileName));
    }

    [Fact(Timeout = 900_000)]
    public async Task Service_project_mistakes_are_errors_at_the_item()
    {
        using var project = new TestProject(feed, extraItems: """
                <VirtualMachineService Include="missing" Machine="webserver" Project="../Nope/Nope.csproj" />
                <VirtualMachineService Include="nomachine" Machine="nosuch" Project="../Api/Api.csproj" />
                <VirtualMachineService Include="old" Machine="client" Project="../Old/Old.csproj" />
                <VirtualMachineService Include="oldenv" Machine="client" Project="../Old/Old.csproj" Environment="A=1;DOTNET_ROLL_FORWARD=Major" />
                <VirtualMachineService Include="broken" Machine="client" Project="../Broken/Broken.csproj" />
            """);
        ServiceProjects.MinimalApi(project.Root);
        ServiceProjects.Console(project.Root, "Old", "net8.0");
        ServiceProjects.Console(project.Root, "Broken", "net10.0", program: "this is not C#");
        var lines = File.ReadAllLines(project.ProjectFile).ToList();
        string At(string name) => $@"Web\.VmTests\.csproj\({lines.FindIndex(l => l.Contains($"Include=\"{name}\"")) + 1}(,\d+)?\)";

        var build = await project.BuildAsync();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches($@"{At("missing")}: error NIXVM070: VirtualMachineService 'missing': Project '\.\./Nope/Nope\.csproj' does not exist", build.Output);
        Assert.DoesNotContain("publishing Api.csproj", build.Output);   // its machine is unknown: nothing to publish
        Assert.Matches($@"{At("old")}: error NIXVM071: VirtualMachineService 'old': the guest's \.NET runtimes cannot run Old\.csproj \(target framework net8\.0, roll forward Minor \(default\)\); runtimes found: .*Microsoft\.NETCore\.App {Environment.Version.Major}\.", build.Output);
        Assert.DoesNotContain("'oldenv': the guest's", build.Output);   // the host rolls it forward: the service's environment says so
        Assert.Matches($@"{At("broken")}: error NIXVM072: VirtualMachineService 'broken': dotnet publish Broken\.csproj failed:", build.Output);
        Assert.Contains("error CS", build.Output);   // the compiler's own message comes with it
        Assert.DoesNotContain("   at ", build.Output);   // no stack trace

        // Allowed to roll forward to the guest's newer runtime, the old project is fine; the unknown
        // machine is the declaration's error (the same NIXVM073 as for a Command service).
        File.WriteAllText(project.ProjectFile, string.Join("\n", lines.Where(l => !l.Contains("\"missing\"") && !l.Contains("\"broken\""))));
        lines = File.ReadAllLines(project.ProjectFile).ToList();
        ServiceProjects.Console(project.Root, "Old", "net8.0", "<RollForward>Major</RollForward>");
        var unknownMachine = await project.BuildAsync("-p:NixVmRunTestsOnBuild=false");
        Assert.NotEqual(0, unknownMachine.ExitCode);
        Assert.Contains("NixVm: publishing Old.csproj (net8.0) for service 'old' on 'client'", unknownMachine.Output);
        Assert.Matches($@"{At("nomachine")}: error NIXVM073: VirtualMachineService 'nomachine' runs on 'nosuch', which is not a VirtualMachine", unknownMachine.Output);

        File.WriteAllText(project.ProjectFile, string.Join("\n", lines.Where(l => !l.Contains("\"nomachine\""))));
        var fine = await project.BuildAsync("-p:NixVmRunTestsOnBuild=false");
        Assert.True(fine.ExitCode == 0, fine.ToString());
    }

    [Fact(Timeout = 1_200_000)]
    public async Task A_NativeAOT_service_runs_as_its_native_executable_and_its_unmeasured_lines_are_a_warning()
    {
        using var project = new TestProject(feed, extraItems: """
                <VirtualMachineService Include="api" Machine="webserver" Project="../Api/Api.csproj" Arguments="--urls http://0.0.0.0:5000"
                                       Ready="http://127.0.0.1:5000/health" ReadyTimeout="180" />
            """, extraTests: """
                [Fact]
                public async Task The_native_api_answers() =>
                    Assert.Equal("hello from the library", await network["webserver"].SucceedAsync("wget -q -O - http://127.0.0.1:5000/greeting", ct: TestContext.Current.CancellationToken));
            """);
        ServiceProjects.MinimalApi(project.Root, properties: "<PublishAot>true</PublishAot>");

        var build = await project.BuildAsync("-p:NixVmCoverage=true");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("NixVm: VM tests: 3 passed, 0 failed, 0 skipped", build.Output);
        Assert.Contains("warning NIXVM063: NixVmCoverage: service 'api' on machine 'webserver' is published with NativeAOT", build.Output);
        // What the guest ran: the native executable (an ELF file), no entry assembly for dotnet.
        var services = Path.Combine(project.ProjectDirectory, "obj", "Debug", "net10.0", "nixvm", "services");
        var publish = Path.Combine(services, "api", "publish");
        Assert.Equal("Api", await File.ReadAllTextAsync(Path.Combine(services, "api", "assembly"), Ct));
        Assert.Equal([0x7f, (byte)'E', (byte)'L', (byte)'F'], File.ReadAllBytes(Path.Combine(publish, "Api"))[..4]);
        Assert.False(File.Exists(Path.Combine(publish, "Api.dll")));
        Assert.Empty(project.LeftoverProcesses());
    }
}
