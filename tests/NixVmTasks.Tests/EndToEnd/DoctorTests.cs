using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>`dotnet build -t:NixVmDoctor` (nixvm-runner doctor from the package) on this host and on one that lacks vde2.</summary>
public sealed class DoctorTests(LocalFeed feed)
{
    [Fact(Timeout = 900_000)]
    public async Task Doctor_passes_here_and_names_what_is_missing_with_its_install_line()
    {
        using var project = new TestProject(feed);
        var here = await project.BuildAsync("-t:NixVmDoctor");
        Assert.True(here.ExitCode == 0, here.ToString());
        Assert.Contains("ok       qemu-system-x86_64:", here.Output);
        Assert.Contains("with 9p and vde", here.Output);
        Assert.Contains("ok       guest kernel:", here.Output);
        Assert.Contains("nixvm doctor: this host can build and run NixVmTasks networks", here.Output);

        // Everything the doctor looks for except vde_switch (and the optional lcov).
        using var bin = new ToolDirectory("dotnet", "qemu-system-x86_64", "nix-build", "socat", "setpriv", "cpio", "lz4", "zstd", "xz", "objcopy", "gcc", "sh");
        var noVdeEnv = await project.RunAsync(["build", "-t:NixVmDoctor", "-nodeReuse:false", "--disable-build-servers"],
            new Dictionary<string, string?> { ["PATH"] = bin.Path });
        Assert.NotEqual(0, noVdeEnv.ExitCode);
        Assert.Contains("error NIXVM080: vde_switch: not on PATH; needed for the VLANs; fix: sudo apt-get install vde2", noVdeEnv.Output);
        Assert.Contains("warning NIXVM081: lcov: not on PATH", noVdeEnv.Output);
        Assert.Contains("sudo apt-get install -y --no-install-recommends vde2 lcov", noVdeEnv.Output);
        Assert.Contains("nixvm doctor: 1 required thing(s) missing", noVdeEnv.Output);
    }
}
