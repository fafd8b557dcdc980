using System.Text.RegularExpressions;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// NixVmCoverage=true with a C program built by nixvm.lib.instrumentedProgram in a machine's Nix
/// file, in a fresh project outside the repository: what a guest ran counts whoever ran it, and
/// what is missing is a warning of the build.
/// </summary>
public sealed class NativeCoverageTests(LocalFeed feed)
{
    [Fact(Timeout = 900_000)]
    public async Task A_hooks_lines_count_and_a_declared_program_that_never_ran_is_NIXVM065()
    {
        // Run the way Subversion runs a hook: as Apache's user, with an empty environment.
        using var project = new TestProject(feed, extraTests: """
                [Fact]
                public async Task The_hook_runs_as_www_data_without_an_environment() =>
                    Assert.Equal("hello, hook\n", await network["webserver"].SucceedAsync(
                        "setpriv --reuid 33 --regid 33 --clear-groups env -i /usr/local/bin/hook hello hook", ct: TestContext.Current.CancellationToken));
            """);
        var source = Path.Combine(Repo.Root, "tests", "nix-cases", "coverage-tiny.c");
        File.Copy(source, Path.Combine(project.ProjectDirectory, "machines", "tiny.c"));
        File.WriteAllText(project.MachineFile, """
            { nixvm, ... }:
            let
              tiny = name: nixvm.lib.instrumentedProgram { inherit name; src = ./tiny.c; };
              command = name: { text = "#!/bin/sh\nexec ${tiny name}/bin/${name} \"$@\"\n"; mode = "0755"; };
            in {
              services = [ { name = "httpd"; command = "busybox httpd -f -p 80 -h /var/www"; ready = "nc -z 127.0.0.1 80"; } ];
              files."/var/www/index.html" = "Hello from webserver\n";
              files."/usr/local/bin/hook" = command "hook";
              files."/usr/local/bin/idle" = command "idle";
            }
            """);
        project.WriteProject(project.DefaultItems, """
              <Target Name="ShowReports" AfterTargets="NixVmCoverageReport">
                <Message Importance="high" Text="report: %(NixVmCoverageReport.Format) %(NixVmCoverageReport.Scope) %(NixVmCoverageReport.Machine) %(NixVmCoverageReport.Identity)" />
              </Target>
            """);

        var build = await project.BuildAsync("-p:NixVmCoverage=true");
        Assert.True(build.ExitCode == 0, build.ToString());
        // coverage-tiny.c marks each executable line with the roles that run it: /* hit: serve hello */.
        var roles = File.ReadLines(source).Select(l => Regex.Match(l, @"/\* hit: ([a-z ]+) \*/")).Where(m => m.Success)
            .Select(m => m.Groups[1].Value.Split(' ')).ToList();
        var summary = $@"NixVm coverage: client no coverage data; webserver lines [\d.]+% \({roles.Count(r => r.Contains("hello"))}/{roles.Count}\)";
        Assert.True(Regex.IsMatch(build.Output, summary), build.ToString());
        Assert.Matches($@"{TestProject.Name}\.csproj : warning NIXVM065: machine 'webserver': instrumented /nix/store/[0-9a-z]{{32}}-idle wrote no coverage data", build.Output);
        Assert.DoesNotContain("-hook wrote no coverage data", build.Output);
        Assert.DoesNotContain("NIXVM064", build.Output);
        // The output items name the report's files for later targets.
        var coverage = Path.Combine(project.ResultsDirectory, "coverage");
        string? Report(string item) => Regex.Match(build.Output, $@"report: {item} (\S+)") is { Success: true } m
            ? Path.GetFullPath(m.Groups[1].Value, project.ProjectDirectory) : null;
        Assert.Equal(Path.Combine(coverage, "machines", "webserver.info"), Report("Lcov Machine webserver"));
        Assert.Equal(Path.Combine(coverage, "merged.info"), Report("Lcov Native "));
        Assert.Equal(Path.Combine(coverage, "html", "index.html"), Report("Html Native "));
        Assert.Empty(project.LeftoverProcesses());
    }
}
