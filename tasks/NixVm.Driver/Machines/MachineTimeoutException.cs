namespace NixVm.Driver.Machines;

/// <summary>
/// A wait on a machine did not succeed in time: a command that did not succeed or fail as asked
/// (<see cref="NixVmException.Command"/> says which), a unit that did not become active, a console line that did
/// not appear. A command killed at its own timeout is the derived <see cref="CommandTimeoutException"/>.
/// </summary>
public class MachineTimeoutException : NixVmException
{
    internal MachineTimeoutException(string machine, string problem, TimeSpan timeout, string? command = null)
        : base($"machine '{machine}': {problem}", machine, command) => Timeout = timeout;

    /// <summary>How long the driver waited.</summary>
    public TimeSpan Timeout { get; }
}
