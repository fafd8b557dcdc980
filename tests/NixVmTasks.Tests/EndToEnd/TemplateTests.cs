using System.Xml.Linq;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>`dotnet new nixvmtest` gives a project that builds, boots its VMs and passes, with nothing to edit.</summary>
public sealed class TemplateTests(LocalFeed feed)
{
    [Fact(Timeout = 900_000)]
    public async Task A_new_project_builds_boots_and_passes_without_warnings()
    {
        var root = Directory.CreateTempSubdirectory("nixvmtasks-template-").FullName;
        try
        {
            var hive = Path.Combine(root, "hive");
            var run = Path.Combine(root, "run");
            Directory.CreateDirectory(run);
            await File.WriteAllTextAsync(Path.Combine(root, "nuget.config"),
                $"<configuration><packageSources><add key=\"local\" value=\"{feed.Directory}\" /></packageSources></configuration>",
                TestContext.Current.CancellationToken);
            var install = await Dotnet.RunAsync(root, ["new", "install", feed.TemplatePackage, "--debug:custom-hive", hive], feed.Environment);
            Assert.True(install.ExitCode == 0, install.ToString());
            var create = await Dotnet.RunAsync(root, ["new", "nixvmtest", "-n", "Foo.VmTests", "--debug:custom-hive", hive], feed.Environment);
            Assert.True(create.ExitCode == 0, create.ToString());

            var project = Path.Combine(root, "Foo.VmTests");
            Assert.Contains($"Include=\"NixVmTasks\" Version=\"{feed.Version}\"", await File.ReadAllTextAsync(Path.Combine(project, "Foo.VmTests.csproj"), TestContext.Current.CancellationToken));
            Assert.True(File.Exists(Path.Combine(project, "README.md")));

            var env = feed.Environment;
            env["XDG_RUNTIME_DIR"] = run;
            var build = await Dotnet.RunAsync(project, ["build", "-nodeReuse:false", "--disable-build-servers"], env);
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Contains("NixVm: 2 VM test(s) passed", build.Output);
            Assert.Contains("0 Warning(s)", build.Output);
            Assert.DoesNotContain(": warning ", build.Output);
            var junit = Path.Combine(project, "TestResults", "nixvm", "Foo.VmTests.junit.xml");
            var names = XDocument.Load(junit).Descendants("testcase").Select(t => t.Attribute("name")!.Value).ToList();
            Assert.Contains(names, n => n.EndsWith("The_server_is_reachable_from_the_client"));
            Assert.Contains(names, n => n.EndsWith("The_service_survives_the_client_losing_its_link"));
            Assert.Empty(Directory.EnumerateFileSystemEntries(run));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
