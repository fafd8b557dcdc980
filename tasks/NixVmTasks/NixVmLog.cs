namespace NixVmTasks;

/// <summary>Our errors and warnings: a NIXVM code at a file and line, with the code's help link.</summary>
static class NixVmLog
{
    public static void Error(this Microsoft.Build.Utilities.TaskLoggingHelper log, string code, string file, int line, string message) =>
        log.LogError(null, code, null, HelpLinks.For(code), file, line, 0, 0, 0, message);

    public static void Warning(this Microsoft.Build.Utilities.TaskLoggingHelper log, string code, string file, int line, string message) =>
        log.LogWarning(null, code, null, HelpLinks.For(code), file, line, 0, 0, 0, message);
}
