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
        using var created = await NewProjectAsync();
        Assert.False(Directory.Exists(Path.Combine(created.Project, "Api")));   // --service is off by default
        var names = await created.BuildAsync(tests: 2);
        Assert.Contains(names, n => n.EndsWith("The_server_is_reachable_from_the_client"));
        Assert.Contains(names, n => n.EndsWith("The_service_survives_the_client_losing_its_link"));
    }

    [Fact(Timeout = 900_000)]
    public async Task With_service_the_new_project_runs_its_api_project_on_the_server()
    {
        using var created = await NewProjectAsync("--service");
        Assert.True(File.Exists(Path.Combine(created.Project, "Api", "Api.csproj")));
        Assert.Contains("<VirtualMachineService Include=\"api\" Machine=\"server\" Project=\"Api/Api.csproj\"",
            await File.ReadAllTextAsync(Path.Combine(created.Project, "Foo.VmTests.csproj"), Ct));
        var names = await created.BuildAsync(tests: 3);
        Assert.Contains(names, n => n.EndsWith("The_api_answers_the_client"));
        Assert.True(File.Exists(Path.Combine(created.Project, "TestResults", "nixvm", "logs", "server.api.log")));
    }

    /// <summary>Installs the packed template in a private hive and runs <c>dotnet new nixvmtest -n Foo.VmTests</c> outside the repository.</summary>
    async Task<NewProject> NewProjectAsync(params string[] options)
    {
        var created = new NewProject(feed);
        var hive = Path.Combine(created.Root, "hive");
        await File.WriteAllTextAsync(Path.Combine(created.Root, "nuget.config"),
            $"<configuration><packageSources><add key=\"local\" value=\"{feed.Directory}\" /></packageSources></configuration>", Ct);
        var install = await Dotnet.RunAsync(created.Root, ["new", "install", feed.TemplatePackage, "--debug:custom-hive", hive], feed.Environment);
        Assert.True(install.ExitCode == 0, install.ToString());
        var create = await Dotnet.RunAsync(created.Root, ["new", "nixvmtest", "-n", "Foo.VmTests", .. options, "--debug:custom-hive", hive], feed.Environment);
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains($"Include=\"NixVmTasks\" Version=\"{feed.Version}\"", await File.ReadAllTextAsync(Path.Combine(created.Project, "Foo.VmTests.csproj"), Ct));
        Assert.True(File.Exists(Path.Combine(created.Project, "README.md")));
        return created;
    }

    sealed class NewProject(LocalFeed feed) : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("nixvmtasks-template-").FullName;
        public string Project => Path.Combine(Root, "Foo.VmTests");
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
