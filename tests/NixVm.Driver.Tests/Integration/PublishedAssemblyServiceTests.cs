using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>A service given as <c>dotnet = { publishDir; assembly; args; }</c>: published output copied into the store, run by the host's dotnet.</summary>
public class PublishedAssemblyServiceTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    const string Program = """
        using System.Runtime.InteropServices;
        using var stopped = new ManualResetEventSlim();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopped.Set(); });
        Console.WriteLine($"hello from {Environment.UserName} in {Environment.CurrentDirectory} with [{string.Join("|", args)}]");
        stopped.Wait();
        Console.WriteLine("stopping");
        """;

    [Fact(Timeout = 900_000)]
    public async Task A_published_assembly_runs_as_a_service_with_its_arguments_and_stops_on_SIGTERM()
    {
        using var dir = new TempDirectory();
        var project = Path.Combine(dir.Path, "Hello", "Hello.csproj");
        Directory.CreateDirectory(Path.GetDirectoryName(project)!);
        await File.WriteAllTextAsync(project, """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
            </Project>
            """, Ct);
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "Hello", "Program.cs"), Program, Ct);
        var publish = Path.Combine(dir.Path, "publish");
        await Commands.DotnetPublishAsync(project, publish);

        var nix = Path.Combine(dir.Path, "vms.nix");
        await File.WriteAllTextAsync(nix, $$"""
            {
              vms = (import {{Repo.PathOf("nix")}} { }).buildVms {
                name = "published";
                machines.app = {
                  memoryMB = 512;
                  services = [ {
                    name = "hello";
                    dotnet = { publishDir = {{publish}}; assembly = "Hello.dll"; args = [ "a b" "it's" ]; };
                    user = "app";
                    directories = [ "/srv/hello" ];
                    workingDirectory = "/srv/hello";
                    ready = "grep -q hello /tmp/xchg/services/hello.log";
                    readyTimeout = 120;
                  } {
                    # no workingDirectory: a .NET service starts in its store copy (its content root)
                    name = "plain";
                    dotnet = { publishDir = {{publish}}; assembly = "Hello.dll"; };
                    ready = "grep -q hello /tmp/xchg/services/plain.log";
                    readyTimeout = 120;
                  } ];
                };
              };
            }
            """, Ct);
        await using var network = await TestNetwork.StartAsync(nix, "published-assembly");
        var app = network["app"];

        Assert.Equal("hello from app in /srv/hello with [a b|it's]\n", await app.SucceedAsync("cat /tmp/xchg/services/hello.log", ct: Ct));
        // The published output runs from its copy in the store, named after the service.
        Assert.Matches(@"^/usr/bin/dotnet /nix/store/[a-z0-9]{32}-nixvm-service-hello/Hello\.dll a b it's\n$",
            await app.SucceedAsync("ps -eo args= | grep '[H]ello.dll a b'", ct: Ct));
        Assert.Matches(@"^hello from root in /nix/store/[a-z0-9]{32}-nixvm-service-plain with \[\]\n$", await app.SucceedAsync("cat /tmp/xchg/services/plain.log", ct: Ct));

        await network.StopServicesAsync(Ct);
        Assert.Equal("hello from app in /srv/hello with [a b|it's]\nstopping\n",
            await File.ReadAllTextAsync(Path.Combine(network.Options.LogDirectory!, "app.hello.log"), Ct));
    }
}
