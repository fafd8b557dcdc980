using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using NixVm.Driver.Manifest;
using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// The VM tests inside nix-build (nix/run-tests.nix): samples/web/tests/web.nix -A vms and
/// -A report with the compiled samples/web-tests, a deliberately failing variant, two test
/// derivations at once, and a project's MSBuild declaration exported for nix-build.
/// </summary>
[Collection(WebTestsBuild.Collection)]
public class DerivationTests(WebTestsBuild sample)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly string WebNix = WebTestsBuild.WebNix;

    string[] TestsArgs => sample.TestsArgs;

    [Fact(Timeout = 600_000)]
    public async Task Vms_gives_run_vms_and_a_valid_manifest()
    {
        var r = await Commands.NixAsync("nix-build", WebNix, "-A", "vms", "--no-out-link");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(File.Exists(Path.Combine(r.Stdout, "bin", "run-vms")));
        var manifest = NetworkManifest.Load(Path.Combine(r.Stdout, "network.json"));
        Assert.Equal(["client", "webserver"], manifest.Machines.Select(m => m.Name));
        Assert.All(manifest.Machines, m => Assert.True(File.Exists(m.StartScript), m.StartScript));
    }

    [Fact(Timeout = 600_000)]
    public async Task Report_runs_the_tests_in_the_build_and_keeps_results_logs_and_coverage()
    {
        var r = await Commands.FreshNixBuildAsync([WebNix, "-A", "report", "--arg", "coverage", "true", .. TestsArgs]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("nixvm: web: VM tests: 2 passed, 0 failed, 0 skipped", r.Stderr);
        var junit = XDocument.Load(Path.Combine(r.Stdout, "Web.Tests.junit.xml"));
        Assert.Equal(["Web.Tests.WebTests.Client_fetches_the_page", "Web.Tests.WebTests.Host_fetches_the_page"],
            junit.Descendants("testcase").Select(t => t.Attribute("name")!.Value).Order());
        Assert.Empty(junit.Descendants("failure"));
        foreach (var log in new[] { "client.log", "webserver.log", "driver.log" })
            Assert.True(new FileInfo(Path.Combine(r.Stdout, "logs", log)).Length > 0, log);
        Assert.Contains("client # " + Contract.Guest.ReadyBanner, await File.ReadAllTextAsync(Path.Combine(r.Stdout, "logs", "client.log"), Ct));
        // The service's own output, stopped gracefully by the fixture before coverage was collected.
        var httpd = await File.ReadAllTextAsync(Path.Combine(r.Stdout, "logs", "webserver.httpd.log"), Ct);
        Assert.Contains("nixvm-web: GET / 200", httpd);
        Assert.EndsWith("nixvm-web: stopping on SIGTERM\n", httpd);
        Assert.True(File.Exists(Path.Combine(r.Stdout, "coverage", "html", "index.html")));
        Assert.Equal(
            [$"report junit {r.Stdout}/Web.Tests.junit.xml", $"report testlog {r.Stdout}/logs driver.log", $"report coverage {r.Stdout}/coverage/html index.html"],
            await File.ReadAllLinesAsync(Path.Combine(r.Stdout, "nix-support", "hydra-build-products"), Ct));
        Assert.Empty(OurProcesses.Mentioning("/nix-build-vm-test-run-web.drv"));
    }

    [Fact(Timeout = 600_000)]
    public async Task Report_asks_the_build_farm_for_vm_builders_and_sets_a_timeout()
    {
        var r = await Commands.NixAsync(["nix-instantiate", "--eval", "--strict", "--json", "-E",
            $$"""
            let t = import {{WebNix}} { tests = {{sample.OutputFolder}}; };
                kvm = (import {{Repo.PathOf("nix")}} { }).runTests { network = t.vms; tests = {{sample.OutputFolder}}; requireKvm = true; timeout = 60; };
            in { features = t.report.requiredSystemFeatures; timeout = t.report.meta.timeout;
                 kvmFeatures = kvm.requiredSystemFeatures; kvmTimeout = kvm.meta.timeout; kvmAccel = kvm.accelerator; }
            """]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var e = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(["nixos-test"], e.GetProperty("features").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(600, e.GetProperty("timeout").GetInt32());
        Assert.Equal(["nixos-test", "kvm"], e.GetProperty("kvmFeatures").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(60, e.GetProperty("kvmTimeout").GetInt32());
        Assert.Equal("kvm", e.GetProperty("kvmAccel").GetString());
    }

    [Theory(Timeout = 600_000)]
    [InlineData("tests = /nonexistent/bin;", "attribute 'tests': /nonexistent/bin does not exist; build the test project first (dotnet build)")]
    [InlineData("tests = ./.; network = 3;", "runTests: attribute 'network': expected a buildVms result, a declaration { name; machines; } or the path of a JSON declaration, got an integer")]
    [InlineData("tests = ./.; timeout = 0;", "attribute 'timeout': must be a positive number of seconds")]
    [InlineData("tests = ./.; accelerator = \"hvf\";", "attribute 'accelerator': 'hvf' is not one of auto, kvm, tcg")]
    public async Task Bad_arguments_name_the_attribute(string arguments, string expected)
    {
        var r = await Commands.NixAsync("nix-instantiate", "-E",
            $"(import {Repo.PathOf("nix")} {{ }}).runTests ({{ network = {{ name = \"t\"; machines.a = {{ }}; }}; }} // {{ {arguments} }})");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("error: nixvm: ", r.Stderr);
        Assert.Contains(expected, r.Stderr);
    }

    [Fact(Timeout = 600_000)]
    public async Task Without_nixvm_runner_the_report_says_where_it_looked()
    {
        using var tests = new TempDirectory();
        var r = await Commands.NixAsync("nix-instantiate", "-E",
            $"(import {Repo.PathOf("nix")} {{ runner = /nonexistent/runner; }}).runTests {{ network = {{ name = \"t\"; machines.a = {{ }}; }}; tests = {tests.Path}; }}");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("error: nixvm: runTests 't': nixvm-runner, which reads the test results, is not in /nonexistent/runner", r.Stderr);
    }

    [Fact(Timeout = 600_000)]
    public async Task A_failing_test_fails_the_build_and_the_log_names_it()
    {
        var r = await Commands.NixAsync(["nix-build", TestNetwork.Case("derivation-failing"), "--no-out-link", .. TestsArgs]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("nixvm: VM test failed: Web.Tests.WebTests.Client_fetches_the_page: Assert.Contains() Failure", r.Stderr);
        Assert.Contains("nixvm: VM test failed: Web.Tests.WebTests.Host_fetches_the_page: Assert.Contains() Failure", r.Stderr);
        Assert.Contains("error: builder for", r.Stderr);
        Assert.Empty(OurProcesses.Mentioning("/nix-build-vm-test-run-web-wrong-page.drv"));
    }

    [Fact(Timeout = 600_000)]
    public async Task Two_test_derivations_of_one_network_run_at_once_without_colliding()
    {
        var r = await Commands.FreshNixBuildAsync([TestNetwork.Case("derivation-parallel"), "-A", "client", "-A", "host", .. TestsArgs], "--max-jobs", "2");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var outs = r.Stdout.Split('\n');
        Assert.Equal(2, outs.Length);
        var spans = outs.Select(o => DriverLogSpan(Path.Combine(o, "logs", "driver.log"))).ToArray();
        Assert.True(spans[0].Start < spans[1].End && spans[1].Start < spans[0].End,
            $"the two builds did not overlap: {spans[0]} and {spans[1]}");
        foreach (var o in outs)
            Assert.Single(XDocument.Load(Path.Combine(o, "Web.Tests.junit.xml")).Descendants("testcase"));
    }

    [Fact(Timeout = 900_000)]
    public async Task A_projects_declaration_is_exported_for_nix_build()
    {
        using var dir = new TempDirectory();
        var project = ExportProject.Write(dir.Path);
        await Commands.DotnetBuildAsync(project);
        var exported = Path.Combine(project, "obj", "Debug", "net10.0", "nixvm", "tests.nix");
        Assert.True(File.Exists(exported), "dotnet build wrote no " + exported);

        var vms = await Commands.NixAsync("nix-build", exported, "-A", "vms", "--no-out-link");
        Assert.True(vms.ExitCode == 0, vms.Stderr);
        var msbuildVms = Path.Combine(project, "obj", "Debug", "net10.0", "nixvm", "vms");
        Assert.Equal(Path.GetFullPath(new DirectoryInfo(msbuildVms).ResolveLinkTarget(true)!.FullName), vms.Stdout);

        var report = await Commands.NixAsync("nix-build", exported, "-A", "report", "--no-out-link", "--argstr", "accelerator", "tcg");
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Contains("nixvm: exp-vmtests: VM tests: 2 passed, 0 failed, 0 skipped", report.Stderr);
        Assert.True(File.Exists(Path.Combine(report.Stdout, "Exp.VmTests.junit.xml")));
    }

    /// <summary>A project that imports the repository's targets the way the package's build/ folder does.</summary>
    static class ExportProject
    {
        public static string Write(string root)
        {
            var project = Path.Combine(root, "Exp.VmTests");
            Directory.CreateDirectory(Path.Combine(project, "machines"));
            File.WriteAllText(Path.Combine(root, "global.json"), """{ "test": { "runner": "Microsoft.Testing.Platform" } }""");
            File.WriteAllText(Path.Combine(project, "Exp.VmTests.csproj"), $"""
                <Project>
                  <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <OutputType>Exe</OutputType>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <_NixVmTaskAssembly>{Repo.PathOf("tasks", "NixVmTasks", "bin", "Debug", "net8.0", "NixVmTasks.dll")}</_NixVmTaskAssembly>
                  </PropertyGroup>
                  <Import Project="{Repo.PathOf("targets", "NixVmTasks.props")}" />
                  <ItemGroup>
                    <PackageReference Include="xunit.v3" Version="4.0.2" />
                    <ProjectReference Include="{Repo.PathOf("tasks", "NixVm.Driver.Xunit", "NixVm.Driver.Xunit.csproj")}" />
                  </ItemGroup>
                  <ItemGroup>
                    <VirtualMachine Include="webserver" NixFile="machines/webserver.nix" />
                    <VirtualMachine Include="client" />
                    <PortForward Include="webserver" Host="8081" Guest="80" />
                  </ItemGroup>
                  <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
                  <Import Project="{Repo.PathOf("targets", "NixVmTasks.targets")}" />
                </Project>
                """);
            var fixture = Repo.PathOf("tests", "fixtures", "web-vmtests");
            File.Copy(Path.Combine(fixture, "machines", "webserver.nix"), Path.Combine(project, "machines", "webserver.nix"));
            File.Copy(Path.Combine(fixture, "WebTests.cs"), Path.Combine(project, "WebTests.cs"));
            return project;
        }
    }

    /// <summary>First and last timestamp (HH:mm:ss.fff, same day) of a driver log.</summary>
    static (TimeSpan Start, TimeSpan End) DriverLogSpan(string log)
    {
        var stamps = File.ReadLines(log).Select(l => TimeSpan.ParseExact(l[..12], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture)).ToList();
        return (stamps.Min(), stamps.Max());
    }
}
