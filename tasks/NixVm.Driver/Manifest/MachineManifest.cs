namespace NixVm.Driver.Manifest;

/// <summary>One machine of <c>network.json</c>, as <c>nix/build-vms.nix</c> built it.</summary>
/// <param name="Name">The machine's name (also its host name in the guests).</param>
/// <param name="Node">Its number in the network: the last byte of its MAC and IPv4 addresses.</param>
/// <param name="StartScript">The start script that runs its QEMU (<c>bin/run-&lt;name&gt;-vm</c>).</param>
/// <param name="MemoryMB">Guest memory in MiB.</param>
/// <param name="Cores">Guest CPU cores.</param>
/// <param name="Interfaces">Its network interfaces, one per VLAN, in VLAN order (<c>eth1</c>, <c>eth2</c> …).</param>
/// <param name="Forwards">Host ports forwarded to guest ports, as declared (see <see cref="Machines.Machine.ForwardedPorts"/> for the ports in use).</param>
/// <param name="Kernel">The guest kernel image.</param>
/// <param name="Initrd">The guest initramfs.</param>
/// <param name="KernelParams">The kernel command line.</param>
/// <param name="Backend"><c>host</c> (our initramfs guest) or <c>nixos</c> (a NixOS test VM).</param>
public sealed record MachineManifest(
    string Name,
    int Node,
    string StartScript,
    int MemoryMB,
    int Cores,
    IReadOnlyList<InterfaceManifest> Interfaces,
    IReadOnlyList<ForwardManifest> Forwards,
    string Kernel,
    string Initrd,
    string KernelParams,
    string Backend)
{
    /// <summary>A file (<c>nix/coverage/inventory.nix</c>) listing the instrumented store paths the machine's declaration names; null when it names none.</summary>
    public string? Instrumented { get; init; }

    /// <summary>
    /// The instrumented store paths (programs, libraries, builds holding <c>.gcno</c> files) that the
    /// machine's declaration names; empty when it names none (or another backend built the network).
    /// </summary>
    public IReadOnlyList<string> InstrumentedPaths() =>
        Instrumented is null ? [] : File.ReadAllLines(Instrumented).Where(l => l.Length > 0).ToArray();
}
