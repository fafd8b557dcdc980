namespace NixVm.Driver.Manifest;

/// <summary>A declared port forward from 127.0.0.1 on the host to the guest.</summary>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>.</param>
/// <param name="HostPort">The declared host port (replaced by a free one with <see cref="NetworkOptions.RemapForwardedPorts"/>).</param>
/// <param name="GuestPort">The guest port.</param>
public sealed record ForwardManifest(string Protocol, int HostPort, int GuestPort);
