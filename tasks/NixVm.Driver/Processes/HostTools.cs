using NixVm.Shared;

namespace NixVm.Driver.Processes;

/// <summary>Finds the host programs the driver runs, with an error that says how to get them.</summary>
static class HostTools
{
    public static string Find(string program, string installHint)
    {
        if (program.Contains('/'))
            return File.Exists(program) ? program : throw new MissingToolException(program, installHint);
        return HostPath.Find(program) ?? throw new MissingToolException(program, installHint);
    }

    /// <summary>The QEMU binary the start scripts run, and when it was installed: what caches of QEMU's behaviour are keyed by.</summary>
    public static string QemuStamp()
    {
        var qemu = Find("qemu-system-x86_64", BootstrapHint);
        return $"{qemu}@{File.GetLastWriteTimeUtc(qemu).Ticks}";
    }

    public const string BootstrapHint = "`dotnet build -t:NixVmDoctor` lists what is missing and how to install it";
}
