namespace NixVm.Driver.Coverage;

/// <summary>The native coverage report could not be written: lcov could not merge the machines' tracefiles or genhtml failed (the message has the tool's exit status and errors).</summary>
public sealed class CoverageException : NixVmException
{
    internal CoverageException(string message) : base(message) { }
}
