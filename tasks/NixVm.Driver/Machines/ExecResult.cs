using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>The outcome of one guest command: status and both output streams, byte-exact.</summary>
/// <param name="ExitCode">The command's exit status (137 when it was killed at its timeout).</param>
/// <param name="StdoutBytes">Everything it wrote to stdout.</param>
/// <param name="StderrBytes">Everything it wrote to stderr.</param>
public sealed record ExecResult(int ExitCode, byte[] StdoutBytes, byte[] StderrBytes)
{
    /// <summary>Stdout decoded as UTF-8.</summary>
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);

    /// <summary>Stderr decoded as UTF-8.</summary>
    public string Stderr => Encoding.UTF8.GetString(StderrBytes);
}
