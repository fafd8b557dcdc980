using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Unit;

/// <summary>boot.json: what the driver writes after a boot and the build shows.</summary>
public class BootReportTests
{
    [Fact]
    public void The_report_round_trips_and_describes_the_accelerator_each_machine_and_the_failure()
    {
        using var dir = new TempDirectory();
        new BootReport("tcg", "a test guest did not boot under KVM within 15 s", [new("client", 1.83), new("webserver", 2.04)], "machine 'db': service 'x' exited with status 1").Write(dir.Path);
        var report = BootReport.Read(dir.Path)!;
        Assert.Equal(
        [
            "accelerator tcg: a test guest did not boot under KVM within 15 s",
            "client: ready in 1.8 s (tcg)",
            "webserver: ready in 2.0 s (tcg)",
            "the network did not boot: machine 'db': service 'x' exited with status 1",
        ], report.Describe());
    }

    [Fact]
    public void Fresh_networks_below_the_log_directory_are_one_line_after_the_assembly_networks_report()
    {
        using var dir = new TempDirectory();
        new BootReport("tcg", "KVM is off", [new("client", 1.0)], null).Write(dir.Path);
        foreach (var (sub, seconds, failure) in new[] { ("A", 0.5, null), ("B/Test", 0.7, null), ("B/Test-2", 0.9, "machine 'client' did not start") })
        {
            Directory.CreateDirectory(dir.File(sub));
            new BootReport("tcg", "KVM is off", failure is null ? [new("client", seconds), new("server", seconds + 0.1)] : [], failure).Write(dir.File(sub));
        }
        Directory.CreateDirectory(dir.File("client"));   // a machine's service logs: no report
        Assert.Equal(
        [
            "accelerator tcg: KVM is off",
            "client: ready in 1.0 s (tcg)",
            "3 fresh network(s) (per class, collection or test): 4 machine(s) ready in median 0.7 s, at most 0.8 s; 1 did not boot: machine 'client' did not start",
        ], BootReport.Summarize(dir.Path));

        File.Delete(dir.File(BootReport.FileName));   // no assembly network: the fresh networks' accelerator
        Assert.Equal("accelerator tcg: KVM is off", BootReport.Summarize(dir.Path).First());
    }

    [Fact]
    public void No_report_is_null()
    {
        using var dir = new TempDirectory();
        Assert.Null(BootReport.Read(dir.Path));
    }
}
