namespace NixVm.Driver.Machines;

/// <summary>A command did not finish within its timeout; it and every process it started in the guest were killed.</summary>
public sealed class CommandTimeoutException : MachineTimeoutException
{
    internal CommandTimeoutException(string machine, string command, TimeSpan timeout, ExecResult partial)
        : base(machine, $"command `{command}` did not finish within {timeout.TotalSeconds:0.###} s and was killed", timeout, command)
        => Partial = partial;

    /// <summary>What the command wrote before it was killed; its exit code is that of the kill (137).</summary>
    public ExecResult Partial { get; }
}
