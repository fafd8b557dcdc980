namespace NixVm.Driver.Machines;

/// <summary>
/// A command wrote more output than <see cref="NetworkOptions.MaxCommandOutputBytes"/> allows; it and
/// every process it started in the guest were killed, and the machine is ready for the next command.
/// <see cref="Machine.ExecuteToStreamAsync"/> takes output of any size.
/// </summary>
public sealed class CommandOutputLimitException : NixVmException
{
    internal CommandOutputLimitException(string machine, string command, long limit)
        : base($"machine '{machine}': command `{command}` wrote more than {limit} bytes of output (NetworkOptions.MaxCommandOutputBytes) and was killed; stream large output with ExecuteToStreamAsync", machine, command)
        => Limit = limit;

    /// <summary>The limit it passed, in bytes.</summary>
    public long Limit { get; }
}
