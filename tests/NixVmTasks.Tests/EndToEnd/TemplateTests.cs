using System.Xml.Linq;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>`dotnet new nixvmtest` gives a project that builds, boots its VMs and passes, with nothing to edit.</summary>
public sealed class TemplateTests(LocalFeed feed)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 900_000)]
    public async Task A_new_project_builds_boots_and_passes_without_warnings()
    {
        using var created = await NewProjectAsync([]);
        Assert.False(Directory.Exists(Path.Combine(created.Project, "Api")));   // --service is off by default
        Assert.Contains("Microsoft.Testing.Platform", await File.ReadAllTextAsync(Path.Combine(created.Project, "global.json"), Ct));

        // Long option names with descriptions (dotnetcli.host.json).
        var help = await Dotnet.RunAsync(created.Root, ["new", "nixvmtest", "--help", "--debug:custom-hive", created.Hive], feed.Environment);
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var option in new[] { "-f, --framework", "--run-tests-on-build", "--coverage", "--service", "--global-json", "--nixvmtasks-version" })
            Assert.Contains(option, help.Output);
        Assert.DoesNotContain("--Framework", help.Output);
        var names = await created.BuildAsync(tests: 2);
        Assert.Contains(names, n => n.EndsWith("The_server_is_reachable_from_the_client"));
        Assert.Contains(names, n => n.EndsWith("The_service_survives_the_client_losing_its_link"));
    }

    [Fact(Timeout = 900_000)]
    public async Task With_service_the_new_project_runs_its_api_project_on_the_server()
    {
        // Inside a repository with its own global.json (an SDK pin and the test runner), --global-json false
        // leaves that file the one the SDK reads.
        const string repositoryGlobalJson = """{ "sdk": { "version": "10.0.100", "rollForward": "latestFeature" }, "test": { "runner": "Microsoft.Testing.Platform" } }""";
        using var created = await NewProjectAsync(["--service", "--global-json", "false"], repositoryGlobalJson);
        Assert.False(File.Exists(Path.Combine(created.Project, "global.json")));
        Assert.Equal(repositoryGlobalJson, await File.ReadAllTextAsync(Path.Combine(created.Root, "global.json"), Ct));
        Assert.True(File.Exists(Path.Combine(created.Project, "Api", "Api.csproj")));
        Assert.Contains("<VirtualMachineService Include=\"api\" Machine=\"server\" Project=\"Api/Api.csproj\"",
            await File.ReadAllTextAsync(Path.Combine(created.Project, "Foo.VmTests.csproj"), Ct));
        var names = await created.BuildAsync(tests: 3);
        Assert.Contains(names, n => n.EndsWith("The_api_answers_the_client"));
        Assert.True(File.Exists(Path.Combine(created.Project, "TestResults", "nixvm", "logs", "server.api.log")));
    }

    /// <summary>Installs the packed template in a private hive and runs <c>dotnet new nixvmtest -n Foo.VmTests</c> outside the repository.</summary>
    /// <remarks>With <paramref name="parentGlobalJson"/>, the folder above the project has it as its global.json.</remarks>
    async Task<NewProject> NewProjectAsync(string[] options, string? parentGlobalJson = null)
    {
        var created = new NewProject(feed);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(created.Root, "nuget.config"),
                $"<configuration><packageSources><add key=\"local\" value=\"{feed.Directory}\" /></packageSources></configuration>", Ct);
            if (parentGlobalJson is not null) await File.WriteAllTextAsync(Path.Combine(created.Root, "global.json"), parentGlobalJson, Ct);
            var install = await Dotnet.RunAsync(created.Root, ["new", "install", feed.TemplatePackage, "--debug:custom-hive", created.Hive], feed.Environment);
            Assert.True(install.ExitCode == 0, install.ToString());
            var create = await Dotnet.RunAsync(created.Root, ["new", "nixvmtest", "-n", "Foo.VmTests", .. options, "--debug:custom-hive", created.Hive], feed.Environment);
            Assert.True(create.ExitCode == 0, create.ToString());
            // The restore post-action ran: the project is ready for an IDE and for `dotnet build --no-restore`.
            Assert.Contains("Restore succeeded", create.Output);
            Assert.True(File.Exists(Path.Combine(created.Project, "obj", "project.assets.json")), create.ToString());
            Assert.Contains($"Include=\"NixVmTasks\" Version=\"{feed.Version}\"", await File.ReadAllTextAsync(Path.Combine(created.Project, "Foo.VmTests.csproj"), Ct));
            Assert.True(File.Exists(Path.Combine(created.Project, "README.md")));
            return created;
        }
        catch
        {
            created.Dispose();   // nothing of ours stays in /tmp when the template does not work
            throw;
        }
    }

    sealed class NewProject(LocalFeed feed) : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("nixvmtasks-template-").FullName;
        public string Project => Path.Combine(Root, "Foo.VmTests");
        public string Hive => Path.Combine(Root, "hive");
        string Run => Path.Combine(Root, "run");

        /// <summary>Builds (which runs the VM tests) and returns the names of the tests in the JUnit file.</summary>
        public async Task<List<string>> BuildAsync(int tests)
        {
            Directory.CreateDirectory(Run);
            var env = feed.Environment;
            env["XDG_RUNTIME_DIR"] = Run;
            var build = await Dotnet.RunAsync(Project, ["build", "-nodeReuse:false", "--disable-build-servers"], env);
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Contains($"NixVm: VM tests: {tests} passed, 0 failed, 0 skipped", build.Output);
            Assert.Contains("0 Warning(s)", build.Output);
            Assert.DoesNotContain(": warning ", build.Output);
            Assert.Empty(Directory.EnumerateFileSystemEntries(Run));
            var junit = Path.Combine(Project, "TestResults", "nixvm", "Foo.VmTests.junit.xml");
            return XDocument.Load(junit).Descendants("testcase").Select(t => t.Attribute("name")!.Value).ToList();
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
