using System.Text.RegularExpressions;
using System.Xml.Linq;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// NixVmCoverage=true with the packed NixVmTasks in fresh projects outside the repository, built
/// with the real dotnet CLI: .NET coverage attributed to the machine that ran the code.
/// </summary>
public sealed class DotnetCoverageTests(LocalFeed feed)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A plain Main: it handles SIGTERM itself and returns, so that coverlet's ProcessExit handler runs.
    const string GreeterProgram = """
        using System.Net;
        using System.Net.Sockets;
        using System.Runtime.InteropServices;

        using var stopping = new CancellationTokenSource();
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopping.Cancel(); });
        var listener = new TcpListener(IPAddress.Any, int.Parse(args[0]));
        listener.Start();
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(stopping.Token);
                using var stream = client.GetStream();
                using var reader = new StreamReader(stream);
                using var writer = new StreamWriter(stream) { AutoFlush = true };
                await writer.WriteLineAsync(Greeting.For(await reader.ReadLineAsync() ?? ""));
            }
        }
        catch (OperationCanceledException) { }

        static class Greeting
        {
            public static string For(string name)
            {
                if (name.Length == 0) // the ready check's bare connection
                    return "hello, stranger";
                if (name == "admin")
                    return "go away";
                return $"hello, {name}";
            }
        }
        """;

    [Fact(Timeout = 900_000)]
    public async Task A_guest_services_lines_are_counted_for_the_machine_that_ran_them()
    {
        // Start-up under TCG on a shared machine can take long: generous ready timeouts.
        // The same service on both machines, each asked something else; a second one stopped with
        // SIGKILL writes nothing; a library the tests call on the host.
        using var project = new TestProject(feed, extraItems: """
                <ProjectReference Include="../Shout/Shout.csproj" />
                <VirtualMachineService Include="greeter" Machine="webserver" Project="../Greeter/Greeter.csproj" Arguments="7000" Ready="tcp:7000" ReadyTimeout="180" />
                <VirtualMachineService Include="greeter" Machine="client" Project="../Greeter/Greeter.csproj" Arguments="7000" Ready="tcp:7000" ReadyTimeout="180" />
                <VirtualMachineService Include="killed" Machine="webserver" Project="../Greeter/Greeter.csproj" Arguments="7001" Ready="tcp:7001" ReadyTimeout="180" StopSignal="KILL" />
            """, extraTests: """
                [Fact]
                public async Task Greeter_answers_on_both_machines()
                {
                    var ct = TestContext.Current.CancellationToken;
                    Assert.Equal("hello, bob", (await network["webserver"].SucceedAsync("echo bob | nc 127.0.0.1 7000", ct: ct)).Trim());
                    Assert.Equal("go away", (await network["client"].SucceedAsync("echo admin | nc 127.0.0.1 7000", ct: ct)).Trim());
                }

                [Fact]
                public void Shout_runs_on_the_host() => Assert.Equal("HI!", Shout.Loud("hi"));
            """);
        WriteProject(project, "Greeter", "<OutputType>Exe</OutputType>", GreeterProgram);
        WriteProject(project, "Shout", "", "public static class Shout { public static string Loud(string s) => s.ToUpperInvariant() + \"!\"; }");

        var build = await project.BuildAsync("-p:NixVmCoverage=true");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("NixVm: VM tests: 4 passed, 0 failed, 0 skipped", build.Output);
        var line = Regex.Match(build.Output, "NixVm .NET coverage: .*").Value;
        Assert.Matches(@"host lines 100\.0% \(1/1\)", line);
        Assert.Matches(@"greeter@webserver lines [\d.]+% \(\d+/\d+\)", line);
        Assert.Matches(@"greeter@client lines [\d.]+% \(\d+/\d+\)", line);
        Assert.Contains("killed@webserver no coverage data", line);
        Assert.Matches(@"; merged lines [\d.]+% \(\d+/\d+\), branches [\d.]+% \(\d+/\d+\)$", line.TrimEnd());
        Assert.Contains("warning NIXVM062: NixVmCoverage: service 'killed' on machine 'webserver' wrote no .NET coverage", build.Output);
        Assert.DoesNotContain("NIXVM061", build.Output);
        Assert.Matches(@"NixVm coverage, native and \.NET merged: lines [\d.]+%", build.Output);

        // Each machine's report has what that machine ran, and only that.
        var source = Path.Combine(project.Root, "Greeter", "Program.cs");
        var lines = File.ReadAllLines(source);
        int goAway = Array.FindIndex(lines, l => l.Contains("\"go away\"")) + 1, hello = Array.FindIndex(lines, l => l.Contains("$\"hello")) + 1;
        var dotnet = Path.Combine(project.ResultsDirectory, "coverage", "dotnet");
        var webserver = Hits(Path.Combine(dotnet, "machines", "webserver", "greeter.cobertura.xml"));
        var client = Hits(Path.Combine(dotnet, "machines", "client", "greeter.cobertura.xml"));
        Assert.True(webserver[hello] > 0 && webserver[goAway] == 0, $"webserver: hello {webserver[hello]}, go away {webserver[goAway]}");
        Assert.True(client[goAway] > 0 && client[hello] == 0, $"client: hello {client[hello]}, go away {client[goAway]}");

        var packages = XDocument.Load(Path.Combine(project.ResultsDirectory, "coverage", "report", "Cobertura.xml"))
            .Descendants("package").Select(p => (string)p.Attribute("name")!).ToList();
        Assert.Contains("Greeter@webserver", packages);
        Assert.Contains("Greeter@client", packages);
        Assert.Contains("Shout", packages);
        Assert.Contains("coverage: 1 .NET hits file(s)", await File.ReadAllTextAsync(Path.Combine(project.ResultsDirectory, "logs", "driver.log"), Ct));

        // The guests ran instrumented copies; the published output itself is left as it was.
        var greeters = Directory.GetFiles(Path.Combine(project.ProjectDirectory, "obj"), "Greeter.dll", SearchOption.AllDirectories)
            .ToLookup(f => File.ReadAllText(f).Contains("Coverlet.Core.Instrumentation.Tracker"));
        Assert.Equal(3, greeters[true].Count());
        Assert.NotEmpty(greeters[false]);

        // A no-op build reruns nothing.
        var again = await project.BuildAsync("-p:NixVmCoverage=true");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain("NixVm: VM tests:", again.Output);
        Assert.DoesNotContain("NixVm .NET coverage", again.Output);
        Assert.Empty(project.LeftoverProcesses());
    }

    static void WriteProject(TestProject project, string name, string properties, string code)
    {
        var dir = Directory.CreateDirectory(Path.Combine(project.Root, name)).FullName;
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                {properties}
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), code);
    }

    /// <summary>Source line number → hits, from a coverlet Cobertura file's classes.</summary>
    static Dictionary<int, long> Hits(string cobertura) =>
        XDocument.Load(cobertura).Descendants("class").SelectMany(c => c.Elements("lines").Elements("line"))
            .GroupBy(l => (int)l.Attribute("number")!).ToDictionary(g => g.Key, g => g.Max(l => (long)l.Attribute("hits")!));
    [Fact(Timeout = 900_000)]
    public async Task A_project_that_measures_no_dotnet_code_says_so_instead_of_an_empty_table()
    {
        // The tests run no .NET code on the host, and coverlet's Exclude (applied to services as to
        // the test assembly) leaves nothing to instrument in the one service.
        // On the command line ',' separates properties: %2C; the package's own assemblies stay excluded.
        const string excludeGreeter = "-p:Exclude=[Greeter]*%2C[NixVm.Driver]*%2C[NixVm.Driver.Xunit]*";
        using var project = new TestProject(feed, extraItems: """
                <VirtualMachineService Include="greeter" Machine="webserver" Project="../Greeter/Greeter.csproj" Arguments="7000" Ready="tcp:7000" ReadyTimeout="180" />
            """);
        WriteProject(project, "Greeter", "<OutputType>Exe</OutputType>", GreeterProgram);
        var build = await project.BuildAsync("-p:NixVmCoverage=true", excludeGreeter);
        Assert.True(build.ExitCode == 0, build.ToString());
        // These machines run no instrumented program: said so, not a crash.
        Assert.Contains("NixVm coverage: client no coverage data; webserver no coverage data", build.Output);
        Assert.Contains("warning NIXVM062: NixVmCoverage: coverlet instrumented nothing in service 'greeter'", build.Output);
        Assert.Contains("warning NIXVM061: NixVmCoverage=true but no .NET code was measured", build.Output);
        Assert.DoesNotContain("NixVm .NET coverage:", build.Output);
        Assert.DoesNotContain("| Module", build.Output); // coverlet's table, all 0 %
        var coverage = Path.Combine(project.ResultsDirectory, "coverage");
        Assert.True(File.Exists(Path.Combine(coverage, "summary.txt")));
        Assert.False(Directory.Exists(Path.Combine(coverage, "report")), "nothing to merge: no merged report");

        var again = await project.BuildAsync("-p:NixVmCoverage=true", excludeGreeter);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain("NixVm: VM tests:", again.Output);
        Assert.DoesNotContain("NIXVM061", again.Output);
        Assert.Empty(project.LeftoverProcesses());
    }
}
