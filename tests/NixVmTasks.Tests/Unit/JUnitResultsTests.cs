using System.Xml.Linq;
using NixVm.Shared;

namespace NixVmTasks.Tests.Unit;

/// <summary>Reading a JUnit file (JUnitResults: the build's RunVmTests, and nixvm-runner results inside a derivation, see RunnerTests).</summary>
public class JUnitResultsTests
{
    // As xunit v3's -result-junit writes them: a passed, a skipped, a failed, an errored and a passed test case.
    const string JUnit = """
        <?xml version="1.0" encoding="utf-8"?>
        <testsuites><testsuite name="Web.VmTests" tests="5" failures="1" errors="1" skipped="1">
        <testcase name="WebTests.Client_fetches_the_page" classname="WebTests" time="0.5"></testcase>
        <testcase name="WebTests.Later" classname="WebTests" time="0"><skipped message="not yet" /></testcase>
        <testcase name="WebTests.Admin" classname="WebTests" time="0.2"><failure message="Assert.Equal() Failure" type="X">at WebTests.Admin() in /p/WebTests.cs:line 12</failure></testcase>
        <testcase name="WebTests.Crashes" classname="WebTests" time="0.1"><error message="boom" type="Y">stack</error></testcase>
        <testcase name="WebTests.Host_fetches_the_page" classname="WebTests" time="0.3" />
        </testsuite></testsuites>
        """;

    [Fact]
    public void Skipped_test_cases_are_counted_as_skipped_not_passed()
    {
        var results = JUnitResults.Parse(XDocument.Parse(JUnit));
        Assert.Equal((2, 2, 1, 5), (results.Passed, results.Failed, results.Skipped, results.Total));
        Assert.Equal("2 passed, 2 failed, 1 skipped", results.Counts);
    }

    [Fact]
    public void A_failure_keeps_its_name_message_and_stack()
    {
        var failure = JUnitResults.Parse(XDocument.Parse(JUnit)).Failures[0];
        Assert.Equal(new FailedTest("WebTests.Admin", "Assert.Equal() Failure", "at WebTests.Admin() in /p/WebTests.cs:line 12"), failure);
    }

    [Fact]
    public void Only_skipped_tests_is_no_pass()
    {
        var results = JUnitResults.Parse(XDocument.Parse("""<testsuites><testsuite><testcase name="a"><skipped /></testcase></testsuite></testsuites>"""));
        Assert.Equal((0, 0, 1), (results.Passed, results.Failed, results.Skipped));
    }
}
