namespace NixVm.Driver.Processes;

/// <summary>A host program the driver runs (QEMU, vde_switch, setsid, lcov …) is not installed; the message says how to get it.</summary>
public sealed class MissingToolException : NixVmException
{
    internal MissingToolException(string program, string hint)
        : base($"'{program}' was not found on PATH: {hint}") => Program = program;

    /// <summary>The program's name (or path) as the driver looked for it.</summary>
    public string Program { get; }
}
