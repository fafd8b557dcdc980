namespace NixVm.Driver.Manifest;

/// <summary>A machine's interface on one VLAN.</summary>
/// <param name="Vlan">The VLAN number.</param>
/// <param name="Name">The interface's name in the guest (<c>eth1</c> for the first VLAN …).</param>
/// <param name="Mac">Its MAC address, <c>52:54:00:12:&lt;vlan&gt;:&lt;node&gt;</c>.</param>
/// <param name="Ipv4">Its IPv4 address, <c>192.168.&lt;vlan&gt;.&lt;node&gt;</c>.</param>
/// <param name="Netdev">QEMU's id of its network backend (what <see cref="Machines.Machine.BlockAsync"/> switches off).</param>
public sealed record InterfaceManifest(int Vlan, string Name, string Mac, string Ipv4, string Netdev);
