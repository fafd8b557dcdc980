using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>The outcome of one guest command: status and both output streams, byte-exact.</summary>
public sealed record ExecResult(int ExitCode, byte[] StdoutBytes, byte[] StderrBytes)
{
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);
    public string Stderr => Encoding.UTF8.GetString(StderrBytes);
}

/// <summary>A machine stopped answering: the guest powered off, panicked, or QEMU died.</summary>
public sealed class MachineFailedException(string machine, string reason)
    : Exception($"machine '{machine}': {reason}")
{
    public string Machine { get; } = machine;
    public string Reason { get; } = reason;
}

/// <summary>A command did not finish within its timeout; it and every process it started in the guest were killed.</summary>
public sealed class CommandTimeoutException(string machine, string command, TimeSpan timeout, ExecResult partial)
    : TimeoutException($"machine '{machine}': command `{command}` did not finish within {timeout.TotalSeconds:0.###} s and was killed")
{
    public ExecResult Partial { get; } = partial;
}

/// <summary>A command's exit status was not what the caller required.</summary>
public sealed class CommandFailedException(string machine, string command, ExecResult result, string expectation)
    : Exception($"machine '{machine}': command `{command}` {expectation} (exit code {result.ExitCode})"
        + (result.StderrBytes.Length > 0 ? $"; stderr: {Truncate(result.Stderr)}" : ""))
{
    public ExecResult Result { get; } = result;

    static string Truncate(string s) => s.Length <= 2000 ? s.TrimEnd() : s[..2000] + "…";
}
