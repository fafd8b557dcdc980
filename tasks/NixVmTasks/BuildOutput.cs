using Microsoft.Build.Framework;

namespace NixVmTasks;

/// <summary>
/// A line the build shows at default verbosity with and without the terminal logger. The terminal
/// logger shows high-importance messages only from -v:detailed on, except a test project's
/// "TLTESTOUTPUT" messages (how VSTest and Microsoft.Testing.Platform report from a build), which it
/// prints at once; the console logger prints them like any high-importance message.
/// </summary>
static class BuildOutput
{
    public static void Line(IBuildEngine engine, string text) =>
        engine.LogMessageEvent(new ExtendedBuildMessageEventArgs("TLTESTOUTPUT", text, null, "NixVmTasks", MessageImportance.High));
}
