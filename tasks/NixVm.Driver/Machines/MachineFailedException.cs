namespace NixVm.Driver.Machines;

/// <summary>
/// A machine stopped answering or never became ready: QEMU did not start or exited, the guest
/// reported a boot failure (a service that exited or never got ready), panicked, powered off, or
/// its shell went away or stopped answering. The machine has been stopped and stays failed: every later
/// call on it throws this exception at once (nothing boots it again unasked) until <see cref="Machine.StartAsync"/>.
/// </summary>
public sealed class MachineFailedException : NixVmException
{
    internal MachineFailedException(string machine, string reason)
        : base($"machine '{machine}': {reason}", machine) => Reason = reason;

    /// <summary>Why the machine failed, without the machine's name: the guest's own reason with the end of the log it names, else QEMU's exit status and errors.</summary>
    public string Reason { get; }
}
