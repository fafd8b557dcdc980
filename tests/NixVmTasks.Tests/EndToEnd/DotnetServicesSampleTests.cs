using System.Xml.Linq;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// samples/dotnet-services as its README says to run it: a dotnet build of its test project
/// publishes the API and the worker, boots both machines and runs the tests; then the same
/// declaration inside nix-build (samples/dotnet-services/tests/dotnet-services.nix -A report), whose
/// network carries the published output in the store.
/// </summary>
public sealed class DotnetServicesSampleTests
{
    static readonly string Project = Path.Combine(Repo.Root, "samples", "dotnet-services-tests");

    [Fact(Timeout = 1_800_000)]
    public async Task The_sample_passes_in_a_build_and_inside_nix_build()
    {
        var results = Directory.CreateTempSubdirectory("nixvmtasks-dotnet-sample-").FullName;
        try
        {
            var build = await Dotnet.RunAsync(Project, ["build", "-nodeReuse:false", "--disable-build-servers", "-nologo",
                "-p:NixVmRunTestsOnBuild=true", $"-p:NixVmResultsDirectory={results}/"], timeout: TimeSpan.FromMinutes(25));
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Contains("NixVm: VM tests: 3 passed, 0 failed, 0 skipped", build.Output);
            // Each service's own output, named by machine and service.
            var apiLog = await File.ReadAllTextAsync(Path.Combine(results, "logs", "server.api.log"), TestContext.Current.CancellationToken);
            Assert.Contains("message board ready", apiLog);
            Assert.Matches(@"Content root path: /nix/store/\w{32}-nixvm-service-api\b", apiLog);   // it started in its published folder
            Assert.Contains("tick ", await File.ReadAllTextAsync(Path.Combine(results, "logs", "worker.worker.log"), TestContext.Current.CancellationToken));

            var (exitCode, stdout, stderr) = await NixBuildCommand.RunAsync(Path.Combine(Repo.Root, "samples", "dotnet-services", "tests", "dotnet-services.nix"),
                "-A", "report", "--argstr", "accelerator", "tcg");
            Assert.True(exitCode == 0, stderr);
            var junit = Path.Combine(stdout, "DotnetServices.Tests.junit.xml");
            Assert.Equal(3, XDocument.Load(junit).Descendants("testcase").Count(t => !t.Elements("failure").Any()));
            Assert.True(File.Exists(Path.Combine(stdout, "logs", "server.api.log")));
        }
        finally { Directory.Delete(results, recursive: true); }
    }
}
