using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// The nixos backend (nix/backends/nixos.nix): machines as NixOS modules, evaluated with nixpkgs.
/// Nixpkgs is not on this project's CI machines (no binary cache either), so the tests that need
/// it skip, saying why, unless &lt;nixpkgs&gt; is on NIX_PATH.
/// </summary>
public class NixosBackendTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly string Network = TestNetwork.Case("derivation-nixos");

    static async Task RequireNixpkgsAsync()
    {
        var r = await Commands.NixAsync("nix-instantiate", "--find-file", "nixpkgs");
        if (r.ExitCode != 0)
            Assert.Skip("nixpkgs is not available (<nixpkgs> is not on NIX_PATH; add -I nixpkgs=… via NIX_PATH to run the nixos backend's tests)");
    }

    [Fact(Timeout = 600_000)]
    public async Task Without_nixpkgs_it_says_what_it_needs()
    {
        var r = await Commands.NixAsync(new Dictionary<string, string> { ["NIX_PATH"] = "" }, "nix-instantiate", Network, "-A", "vms");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("error: nixvm: the nixos backend needs nixpkgs: put it on NIX_PATH (-I nixpkgs=/path/to/nixpkgs) or pass nixos { nixpkgs = …; }", r.Stderr);
    }

    [Fact(Timeout = 3_600_000)]
    public async Task NixOS_machines_boot_talk_over_their_vlan_and_forward_ports()
    {
        await RequireNixpkgsAsync();
        var result = await NixBuild.BuildAsync(Network, "vms");
        await using var network = await VirtualNetwork.CreateAsync(result, new NetworkOptions
        {
            Accelerator = AcceleratorMode.Tcg,
            BootTimeout = TimeSpan.FromMinutes(10),
            RemapForwardedPorts = true,
            LogDirectory = Repo.ResultsDirectory("nixos-backend"),
            LogSink = line => TestContext.Current.TestOutputHelper?.WriteLine(line),
        }, Ct);
        await network.StartAllAsync(Ct);
        await network["server"].WaitForUnitAsync("web.service", ct: Ct);
        Assert.Equal("192.168.1.2", (await network["server"].SucceedAsync("getent hosts server | cut -d' ' -f1", ct: Ct)).Trim());
        var page = await network["client"].WaitUntilSucceedsAsync("busybox wget -qO- http://server/", ct: Ct);
        Assert.Contains("Hello from a NixOS server", page);
        using var http = new HttpClient();
        Assert.Contains("Hello from a NixOS server", await http.GetStringAsync($"http://127.0.0.1:{network["server"].ForwardedPorts[80]}/", Ct));
        await network["client"].BlockAsync(ct: Ct);
        await network["client"].FailAsync("busybox wget -T 3 -qO- http://server/", ct: Ct);
    }

    [Theory(Timeout = 600_000)]
    [InlineData("{ ... }: { services.web.enable = notDefined; }", "undefined variable 'notDefined'", "bad.nix:1:")]
    [InlineData("{ ... }: {\n  virtualisation.memorySize = \"lots\";\n}", "virtualisation.memorySize", "bad.nix")]
    public async Task A_mistake_in_a_machine_module_names_its_file(string module, string expected, string where)
    {
        await RequireNixpkgsAsync();
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("bad.nix"), module, Ct);
        await File.WriteAllTextAsync(dir.File("net.nix"),
            $"((import {Repo.PathOf("nix")} {{ }}).nixos {{ }}).buildVms {{ name = \"t\"; machines.a = ./bad.nix; }}", Ct);
        var r = await Commands.NixAsync("nix-instantiate", dir.File("net.nix"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Contains(dir.File(where), r.Stderr);
    }
}
