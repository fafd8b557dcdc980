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
    public void No_report_is_null()
    {
        using var dir = new TempDirectory();
        Assert.Null(BootReport.Read(dir.Path));
    }
}
