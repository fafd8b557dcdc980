namespace NixVm.Driver.Coverage;

/// <summary>
/// Something the coverage report does not show although it should: data an instrumented process
/// could not write (<see cref="LostDataCode"/>), or an instrumented program a machine declares that
/// wrote nothing (<see cref="NoDataCode"/>). The build prints each as <c>warning &lt;Code&gt;: &lt;Message&gt;</c>.
/// </summary>
public sealed record CoverageWarning(string Code, string Machine, string Message)
{
    /// <summary>A guest printed a libgcov <c>profiling:</c> error, or an instrumented process outlived its stop.</summary>
    public const string LostDataCode = "NIXVM064";

    /// <summary>An instrumented store path named in the machine's declaration wrote no <c>.gcda</c> file.</summary>
    public const string NoDataCode = "NIXVM065";

    /// <summary>The line of <c>warnings.txt</c>: code, a tab, the message.</summary>
    public override string ToString() => $"{Code}\t{Message}";
}
