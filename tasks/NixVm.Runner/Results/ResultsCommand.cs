using System.Xml;
using NixVm.Shared;

namespace NixVm.Runner.Results;

/// <summary>
/// <c>nixvm-runner results &lt;junit&gt;</c>: what nix/builders/run-tests.sh prints about a test run
/// inside a derivation, read by the build's own JUnit reader (<see cref="JUnitResults"/>): one line
/// per failed test, then <c>VM tests: N passed, N failed, N skipped</c>. Exit code 1 when a test
/// failed, none ran or the file cannot be read.
/// </summary>
static class ResultsCommand
{
    public static int Print(string junitFile, TextWriter output)
    {
        JUnitResults results;
        try { results = JUnitResults.Load(junitFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
        {
            output.WriteLine($"cannot read the test results {junitFile}: {e.Message}");
            return 1;
        }
        foreach (var failure in results.Failures)
            output.WriteLine($"VM test failed: {failure.Name}: {failure.Message.Split('\n')[0].TrimEnd()}");
        if (results.Total == 0) output.WriteLine($"no tests ran: {Path.GetFileName(junitFile)} has no test case");
        output.WriteLine($"VM tests: {results.Counts}");
        return results.Failed == 0 && results.Total > 0 ? 0 : 1;
    }
}
