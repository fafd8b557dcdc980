using System.Xml.Linq;

namespace NixVm.Shared;

/// <summary>One test case of a JUnit file that did not pass: its name, message and stack trace.</summary>
sealed record FailedTest(string Name, string Message, string Details);

/// <summary>
/// What a JUnit file (xunit v3's <c>-result-junit</c>) says about a run: a test case with a
/// <c>failure</c> or <c>error</c> child failed, one with a <c>skipped</c> child was skipped (not
/// passed), every other one passed. The one reader of test results: the build's RunVmTests and,
/// inside a derivation, <c>nixvm-runner results</c> (nix/builders/run-tests.sh).
/// </summary>
sealed record JUnitResults(int Passed, int Skipped, IReadOnlyList<FailedTest> Failures)
{
    public int Failed => Failures.Count;
    public int Total => Passed + Skipped + Failed;

    /// <summary><c>2 passed, 1 failed, 1 skipped</c>: the counts in the build output.</summary>
    public string Counts => $"{Passed} passed, {Failed} failed, {Skipped} skipped";

    public static JUnitResults Load(string file) => Parse(XDocument.Load(file));

    public static JUnitResults Parse(XDocument doc)
    {
        int passed = 0, skipped = 0;
        var failures = new List<FailedTest>();
        foreach (var testCase in doc.Descendants("testcase"))
        {
            var failure = testCase.Element("failure") ?? testCase.Element("error");
            if (failure is not null)
                failures.Add(new(testCase.Attribute("name")?.Value ?? "?", (failure.Attribute("message")?.Value ?? "").Trim(), failure.Value));
            else if (testCase.Element("skipped") is not null) skipped++;
            else passed++;
        }
        return new(passed, skipped, failures);
    }
}
