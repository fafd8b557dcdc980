using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using NixVm.Shared;

namespace NixVmTasks;

/// <summary>
/// Runs the compiled xunit v3 test project (an executable) with the network's manifest in its
/// environment. The test process owns the VMs and dies with the build (<see cref="OwnedToolTask"/>),
/// so a timeout, Ctrl-C or a killed build leaves nothing running. Each failed test becomes a NIXVM040 error.
/// </summary>
public sealed class RunVmTests : OwnedToolTask
{
    [Required] public string TestAssembly { get; set; } = "";
    [Required] public string Manifest { get; set; } = "";
    [Required] public string ResultsDirectory { get; set; } = "";
    [Required] public string ProjectFile { get; set; } = "";
    public string Accelerator { get; set; } = "auto";
    public bool Trx { get; set; }
    public bool Coverage { get; set; }
    public int TimeoutSeconds { get; set; }
    /// <summary>Whether machines restore a snapshot instead of booting (NetworkOptions.Snapshots reads NIXVM_SNAPSHOTS).</summary>
    public bool Snapshots { get; set; } = true;

    /// <summary>
    /// What the build shows of the run (ShowLines: also under the terminal logger): the accelerator
    /// and each machine's ready time from the driver's boot.json, a boot failure, the test counts.
    /// </summary>
    [Output] public string[] SummaryLines { get; private set; } = [];

    readonly List<string> summary = [];

    /// <summary>JUnit (and TRX) results and the logs directory.</summary>
    [Output] public ITaskItem[] Results { get; private set; } = [];

    string JUnitFile => Contract.TestRun.JUnitFile(TestAssembly, ResultsDirectory);
    string TrxFile => Path.Combine(ResultsDirectory, Path.GetFileNameWithoutExtension(TestAssembly) + ".trx");
    string LogDirectory => Path.Combine(ResultsDirectory, "logs");
    // NetworkFixture's coverage report goes next to the logs; CoverageReport.WarningsFile names this file.
    string CoverageDirectory => Path.Combine(ResultsDirectory, "coverage");
    string CoverageWarningsFile => Path.Combine(CoverageDirectory, "warnings.txt");

    protected override string ToolName => "dotnet";

    protected override string GenerateFullPathToTool() => ToolLocator.Dotnet();

    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Normal;

    public override bool Execute()
    {
        if (HostPath.Find("qemu-system-x86_64") is null)
        {
            Log.Error(ErrorCodes.QemuMissing, ProjectFile, 0,
                "qemu-system-x86_64 was not found on PATH; install QEMU (`dotnet build -t:NixVmDoctor` lists what is missing and how to install it)");
            return false;
        }
        Directory.CreateDirectory(ResultsDirectory);
        File.Delete(JUnitFile);
        // A run that dies leaves no coverage of its own: the build must not report the last run's as this one's.
        if (Directory.Exists(CoverageDirectory)) Directory.Delete(CoverageDirectory, recursive: true);
        // A stale run's boot reports: the assembly network's and the fresh networks' below it.
        foreach (var report in Directory.Exists(LogDirectory) ? Directory.GetFiles(LogDirectory, BootReport.FileName, SearchOption.AllDirectories) : [])
            File.Delete(report);
        if (TimeoutSeconds > 0) Timeout = TimeoutSeconds * 1000;
        YieldDuringToolExecution = true;
        EnvironmentVariables =
        [
            $"{Contract.Environment.Manifest}={Manifest}",
            $"{Contract.Environment.LogDirectory}={LogDirectory}",
            $"{Contract.Environment.Accelerator}={Accelerator}",
            $"{Contract.Environment.Coverage}={(Coverage ? "1" : "0")}",
            $"{Contract.Environment.Snapshots}={(Snapshots ? "1" : "0")}",
        ];
        base.Execute();
        summary.AddRange(BootReport.Summarize(LogDirectory).Select(line => "NixVm: " + line));
        ReportResults();
        ReportCoverageWarnings();
        var results = new List<ITaskItem> { new TaskItem(JUnitFile, new Dictionary<string, string> { ["Format"] = "JUnit" }) };
        if (Trx) results.Add(new TaskItem(TrxFile, new Dictionary<string, string> { ["Format"] = "Trx" }));
        results.Add(new TaskItem(LogDirectory, new Dictionary<string, string> { ["Format"] = "Logs" }));
        Results = results.Where(r => File.Exists(r.ItemSpec) || Directory.Exists(r.ItemSpec)).ToArray();
        SummaryLines = [.. summary];
        return !Log.HasLoggedErrors;
    }

    protected override string GenerateCommandLineCommands()
    {
        var b = new CommandLineBuilder();
        foreach (var argument in Contract.TestRun.ArgumentsFor(TestAssembly, ResultsDirectory))
            b.AppendSwitchIfNotNull("", argument);   // quoted when it needs to be
        if (Trx) b.AppendSwitchIfNotNull("-result-trx ", TrxFile);
        return b.ToString();
    }

    // The test run's exit code says "some test failed"; the JUnit file says which, so errors come from there.
    protected override bool HandleTaskExecutionErrors() => true;

    void ReportResults()
    {
        if (!File.Exists(JUnitFile))
        {
            var why = StoppedBy switch
            {
                Stop.TimedOut => $"it timed out after {TimeoutSeconds} s (NixVmTimeoutSeconds) and was killed",
                Stop.Cancelled => "the build was cancelled and the tests were killed",
                _ when ExitCode > 128 => $"it was killed by signal {ExitCode - 128}",
                _ => $"it exited with code {ExitCode}",
            };
            Log.Error(ErrorCodes.TestRunFailed, ProjectFile, 0,
                $"the VM tests in {Path.GetFileName(TestAssembly)} produced no results: {why}; see the output above and {LogDirectory}");
            return;
        }
        var results = JUnitResults.Load(JUnitFile);
        var located = results.Failures.Select(f => (Failure: f, Source: SourceOf(f.Details))).ToList();
        foreach (var (failure, (file, line)) in located.Where(f => f.Source.File is not null))
            Log.Error(ErrorCodes.TestFailed, file!, line, $"VM test failed: {failure.Name}: {failure.Message}");
        // Failures with no line of the tests' own, such as a fixture's (the network did not boot, a
        // service failed), fail every test the same way: one error says it once.
        foreach (var same in located.Where(f => f.Source.File is null).GroupBy(f => f.Failure.Message))
        {
            var names = same.Select(f => f.Failure.Name).ToList();
            var reason = OneLine(same.Key);
            Log.Error(ErrorCodes.TestFailed, ProjectFile, 0, names.Count == 1
                ? $"VM test failed: {names[0]}: {reason}"
                : $"{names.Count} VM tests failed ({string.Join(", ", names.Take(3))}{(names.Count > 3 ? ", …" : "")}), each with: {reason}");
        }
        if (results.Total == 0)
            Log.Error(ErrorCodes.TestRunFailed, ProjectFile, 0, $"no tests ran in {Path.GetFileName(TestAssembly)}; add [Fact] tests or check the output above");
        else
            summary.Add($"NixVm: VM tests: {results.Counts}; results in {ResultsDirectory}");
    }

    /// <summary>Each line of the coverage warnings file ("NIXVMnnn", a tab, the message) as a warning of the project.</summary>
    void ReportCoverageWarnings()
    {
        if (!Coverage || !File.Exists(CoverageWarningsFile)) return;
        foreach (var line in File.ReadAllLines(CoverageWarningsFile))
            if (line.Split('\t', 2) is [var code, var message])
                Log.Warning(code, ProjectFile, 0, message);
    }

    /// <summary>
    /// A failure's message as one line: xunit wraps a fixture's exception ("Assembly fixture … threw
    /// in InitializeAsync", then "---- Type : message" and the message's further lines), whose first line says why.
    /// </summary>
    static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0) return "";
        var inner = lines.LastOrDefault(l => l.StartsWith("---- ", StringComparison.Ordinal) && l.Contains(" : ", StringComparison.Ordinal));
        return inner is null ? lines[0] : $"{lines[0]}: {inner[(inner.IndexOf(" : ", StringComparison.Ordinal) + 3)..]}";
    }

    /// <summary>The first stack frame in the test project's own sources.</summary>
    (string? File, int Line) SourceOf(string stack)
    {
        var projectDir = Path.GetDirectoryName(Path.GetFullPath(ProjectFile))!;
        foreach (Match m in Regex.Matches(stack, @"(/[^\s:]+\.cs)(?:\(|:line )(\d+)"))
            if (m.Groups[1].Value.StartsWith(projectDir, StringComparison.Ordinal))
                return (m.Groups[1].Value, int.Parse(m.Groups[2].Value));
        return (null, 0);
    }
}
