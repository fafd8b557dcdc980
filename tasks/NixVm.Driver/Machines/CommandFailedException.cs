namespace NixVm.Driver.Machines;

/// <summary>A command's exit status was not what the caller required (see <see cref="NixVmException.Command"/> and <see cref="Result"/>).</summary>
public sealed class CommandFailedException : NixVmException
{
    internal CommandFailedException(string machine, string command, ExecResult result, string expectation)
        : base($"machine '{machine}': command `{command}` {expectation} (exit code {result.ExitCode})"
            + (result.StderrBytes.Length > 0 ? $"; stderr: {Truncate(result.Stderr)}" : ""), machine, command)
        => Result = result;

    /// <summary>The command's exit status and output.</summary>
    public ExecResult Result { get; }

    static string Truncate(string s) => s.Length <= 2000 ? s.TrimEnd() : s[..2000] + "…";
}
