using System.Text.RegularExpressions;

namespace NixVmTasks.Tests.Support;

/// <summary>
/// A fresh xunit v3 test project outside the repository that references the packed NixVmTasks and
/// declares the seed's web server and client. Its VMs keep their state under its own run/
/// directory, so a test can see every process the build left behind.
/// </summary>
public sealed class TestProject : IDisposable
{
    public const string Name = "Web.VmTests";

    readonly LocalFeed feed;

    public TestProject(LocalFeed feed, string extraItems = "", string extraTests = "")
    {
        this.feed = feed;
        Root = Directory.CreateTempSubdirectory("nixvmtasks-e2e-").FullName;
        ProjectDirectory = Path.Combine(Root, Name);
        RunDirectory = Path.Combine(Root, "run");
        Directory.CreateDirectory(Path.Combine(ProjectDirectory, "machines"));
        Directory.CreateDirectory(RunDirectory);
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed.Directory}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(Root, "global.json"), """{ "test": { "runner": "Microsoft.Testing.Platform" } }""");
        DefaultItems = $"""
                <VirtualMachine Include="webserver" NixFile="machines/webserver.nix" />
                <VirtualMachine Include="client" MemoryMB="192" />
                <PortForward Include="webserver" Host="{FreePort()}" Guest="80" />
            """;
        WriteProject(DefaultItems + "\n" + extraItems);
        var fixture = Path.Combine(Repo.Root, "tests", "fixtures", "web-vmtests");
        File.Copy(Path.Combine(fixture, "machines", "webserver.nix"), MachineFile);
        File.Copy(Path.Combine(fixture, "WebTests.cs"), TestFile);
        if (extraTests.Length > 0)
            File.WriteAllText(Path.Combine(ProjectDirectory, "ExtraTests.cs"), $$"""
                using NixVm.Driver.Xunit;
                using Xunit;

                public class ExtraTests(NetworkFixture network)
                {
                {{extraTests}}
                }
                """);
    }

    /// <summary>The seed's machines: webserver (from machines/webserver.nix) and client, with a forward to webserver:80.</summary>
    public string DefaultItems { get; }

    /// <summary>
    /// (Re)writes the project file with these items (VirtualMachine… or any other) and, after them,
    /// <paramref name="extra"/>: property groups or targets of the project's own.
    /// </summary>
    public void WriteProject(string items, string extra = "") => File.WriteAllText(ProjectFile, $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <OutputType>Exe</OutputType>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <NixVmRunTestsOnBuild>true</NixVmRunTestsOnBuild>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="xunit.v3" Version="4.0.2" />
            <PackageReference Include="NixVmTasks" Version="{feed.Version}" />
          </ItemGroup>
          <ItemGroup>
        {items}
          </ItemGroup>
        {extra}
        </Project>
        """);

    /// <summary>The line of the project file that holds <paramref name="text"/> (1-based).</summary>
    public int LineOf(string text) => File.ReadAllLines(ProjectFile).ToList().FindIndex(l => l.Contains(text)) + 1;

    public string Root { get; }
    public string ProjectDirectory { get; }
    public string RunDirectory { get; }
    public string ProjectFile => Path.Combine(ProjectDirectory, Name + ".csproj");
    public string MachineFile => Path.Combine(ProjectDirectory, "machines", "webserver.nix");
    public string TestFile => Path.Combine(ProjectDirectory, "WebTests.cs");
    public string ResultsDirectory => Path.Combine(ProjectDirectory, "TestResults", "nixvm");
    public string JUnitFile => Path.Combine(ResultsDirectory, Name + ".junit.xml");

    /// <summary>dotnet with the VMs' state under <see cref="RunDirectory"/> and no build servers left running.</summary>
    public Task<Dotnet.Result> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var env = feed.Environment;
        env["XDG_RUNTIME_DIR"] = RunDirectory;
        if (environment is not null) foreach (var (k, v) in environment) env[k] = v;
        return Dotnet.RunAsync(ProjectDirectory, args, env);
    }

    public Task<Dotnet.Result> BuildAsync(params string[] extra) =>
        RunAsync(["build", "-nodeReuse:false", "--disable-build-servers", "-nologo", .. extra]);

    /// <summary>A build started like a user's in a terminal (see <see cref="Dotnet.Start"/>), still running.</summary>
    public Dotnet.Running StartBuild(params string[] extra)
    {
        var env = feed.Environment;
        env["XDG_RUNTIME_DIR"] = RunDirectory;
        return Dotnet.Start(ProjectDirectory, ["build", "-nodeReuse:false", "--disable-build-servers", "-nologo", .. extra], env, ownSession: true);
    }

    /// <summary>QEMU, vde_switch or runner processes still using this project's state directory.</summary>
    public IReadOnlyList<string> LeftoverProcesses() =>
        Processes().Where(p => p.CommandLine.Contains(RunDirectory) || p.Environment.Contains(RunDirectory) && Regex.IsMatch(p.CommandLine, "qemu|vde_switch|nixvm-runner"))
            .Select(p => p.CommandLine).ToList();

    /// <summary>
    /// Every process that names this project in its command line or environment: whatever a build of
    /// it started (they inherit XDG_RUNTIME_DIR=<see cref="RunDirectory"/>) and is still running.
    /// </summary>
    public IReadOnlyList<OsProcess> ProcessesOfTheBuild() =>
        Processes().Where(p => p.CommandLine.Contains(Root) || p.Environment.Contains(Root)).ToList();

    public sealed record OsProcess(int Pid, int ParentPid, string CommandLine, string Environment)
    {
        public override string ToString() => $"{Pid} (parent {ParentPid}): {CommandLine}";
    }

    static IEnumerable<OsProcess> Processes()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            OsProcess process;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                process = new(pid, parent, File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '), File.ReadAllText(Path.Combine(dir, "environ")));
            }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            yield return process;
        }
    }

    static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
