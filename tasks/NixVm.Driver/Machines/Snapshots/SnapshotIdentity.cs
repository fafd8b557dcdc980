using System.Security.Cryptography;
using System.Text;
using NixVm.Driver.Processes;

namespace NixVm.Driver.Machines.Snapshots;

/// <summary>
/// What a saved machine is only valid for: a snapshot loads into exactly the QEMU, devices and
/// guest it was made from. The start script's content stands for the guest (kernel, initramfs,
/// memory, NICs are all in it), the extra kernel parameters (QEMU_KERNEL_PARAMS) for its command
/// line; <see cref="Layout"/> for the devices the driver appends.
/// </summary>
sealed record SnapshotIdentity(string StartScript, string ScriptSha256, string KernelParameters, string Qemu, string Accelerator, string Layout)
{
    /// <summary>Change it whenever <see cref="MachineBoot"/>'s QEMU arguments change.</summary>
    public const string CurrentLayout = "1";

    public static SnapshotIdentity Of(string startScript, string kernelParameters, string accelerator) =>
        new(startScript, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(startScript))),
            kernelParameters, HostTools.QemuStamp(), accelerator, CurrentLayout);

    /// <summary>The cache's file name for this identity.</summary>
    public string Key => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ScriptSha256}|{KernelParameters}|{Qemu}|{Accelerator}|{Layout}")))[..32];

    /// <summary>How <paramref name="other"/> differs from this identity, for the log.</summary>
    public string Difference(SnapshotIdentity other) => string.Join("; ", new[]
    {
        ScriptSha256 == other.ScriptSha256 ? null : $"start script {other.StartScript} (sha256 {other.ScriptSha256[..12]}), not {StartScript} (sha256 {ScriptSha256[..12]})",
        KernelParameters == other.KernelParameters ? null : $"kernel parameters '{other.KernelParameters}', not '{KernelParameters}'",
        Qemu == other.Qemu ? null : $"QEMU {other.Qemu}, not {Qemu}",
        Accelerator == other.Accelerator ? null : $"accelerator {other.Accelerator}, not {Accelerator}",
        Layout == other.Layout ? null : $"driver device layout {other.Layout}, not {Layout}",
    }.Where(d => d is not null));
}
