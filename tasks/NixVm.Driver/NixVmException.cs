namespace NixVm.Driver;

/// <summary>
/// The base of every failure the driver reports: a machine that failed or timed out, a command
/// with the wrong exit status, QEMU refusing a monitor command, a network that cannot be set up
/// on this host, a bad manifest or a missing host tool. Catch it to handle them all. Calls made
/// with bad arguments or in the wrong state still throw <see cref="ArgumentException"/> and
/// <see cref="InvalidOperationException"/>, and cancellation <see cref="OperationCanceledException"/>.
/// </summary>
public abstract class NixVmException : Exception
{
    // Only the driver's own exception types derive from this one.
    private protected NixVmException(string message, string? machine = null, string? command = null)
        : base(message)
    {
        Machine = machine;
        Command = command;
    }

    /// <summary>The name of the machine the failure is about; null when it is about the network or the host.</summary>
    public string? Machine { get; }

    /// <summary>The guest or monitor command that failed; null when the failure is not about one command.</summary>
    public string? Command { get; }
}
