namespace NixVm.Driver;

/// <summary>
/// The network cannot run on this host as asked: a VLAN switch did not start, KVM was asked for
/// but cannot be used, the accelerator cannot be probed, or there is no cache directory (see the message for which).
/// </summary>
public sealed class NetworkSetupException : NixVmException
{
    internal NetworkSetupException(string message) : base(message) { }
}
