using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// The README's two commands and a VM test project's build work for a normal user with sudo, not
/// only for root (CI runs as root): scripts/bootstrap, scripts/demo and dotnet build of a fresh
/// project against the packed NixVmTasks, as a user the test creates and deletes.
/// </summary>
public sealed class NormalUserTests(LocalFeed feed)
{
    [Fact(Timeout = 1_800_000)]
    public async Task Bootstrap_demo_and_a_vm_test_projects_build_work_for_a_normal_user_with_sudo()
    {
        using var user = new NormalUser();
        var bootstrap = await user.RunAsync(Repo.Root, "scripts/bootstrap", TimeSpan.FromMinutes(10));
        Assert.True(bootstrap.ExitCode == 0, bootstrap.ToString());
        Assert.Contains($"bootstrap: running as {user.Name}; sudo runs what needs root", bootstrap.Output);
        Assert.Contains($"bootstrap: giving /nix to {user.Name} (sudo chown -R): Nix without a daemon writes the store as the user who builds", bootstrap.Output);
        Assert.Contains($"unpacked into {user.Home}/.cache/nixvmtasks/kernel/", bootstrap.Output);

        var demo = await user.RunAsync(Repo.Root, "scripts/demo", TimeSpan.FromMinutes(10));
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains("demo: OK: both fetches returned 'Hello from webserver'", demo.Output);
        Assert.Empty(user.FilesInTmp());

        using var project = new TestProject(feed);
        user.Own(project.Root);
        // The feed's temporary folder is root's (0700): the user may pass through to read the packages.
        var feedRoot = Path.GetDirectoryName(feed.Directory)!;
        File.SetUnixFileMode(feedRoot, File.GetUnixFileMode(feedRoot) | UnixFileMode.OtherExecute);
        var build = await user.RunAsync(project.ProjectDirectory,
            $"XDG_RUNTIME_DIR={project.RunDirectory} DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet build -nodeReuse:false --disable-build-servers -nologo",
            TimeSpan.FromMinutes(15));
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("NixVm: VM tests: 2 passed, 0 failed, 0 skipped", build.Output);
        Assert.True(File.Exists(project.JUnitFile));
        Assert.Empty(project.LeftoverProcesses());
        Assert.Empty(user.Processes());
    }
}
