using System.Diagnostics;
using Microsoft.Build.Utilities;

namespace NixVmTasks;

/// <summary>
/// A tool run that cannot outlive the build: the tool gets a parent-death signal
/// (<see cref="ParentDeath"/>), and <see cref="BuildWatch"/> ends this task host when the build above it dies.
/// It also remembers why MSBuild stopped the tool, which its exit code cannot tell.
/// </summary>
public abstract class OwnedToolTask : ToolTask
{
    public enum Stop { None, TimedOut, Cancelled }

    /// <summary>Whether MSBuild killed the tool (NixVmTimeoutSeconds or Ctrl-C) before it finished.</summary>
    protected Stop StoppedBy { get; private set; }

    /// <summary>The signal the tool gets when this task host dies (a <c>kill -l</c> name).</summary>
    protected virtual string ParentDeathSignal => "KILL";

    protected override ProcessStartInfo GetProcessStartInfo(string pathToTool, string commandLineCommands, string responseFileSwitch)
    {
        var info = base.GetProcessStartInfo(pathToTool, commandLineCommands, responseFileSwitch);
        if (ParentDeath.Setpriv() is not { } setpriv) return info;
        info.Arguments = string.Join(" ", ParentDeath.Arguments(ParentDeathSignal, $"\"{info.FileName}\"")) + " " + info.Arguments;
        info.FileName = setpriv;
        return info;
    }

    protected override int ExecuteTool(string pathToTool, string responseFileCommands, string commandLineCommands)
    {
        using var watch = BuildWatch.Start();
        var clock = Stopwatch.StartNew();
        var exitCode = base.ExecuteTool(pathToTool, responseFileCommands, commandLineCommands);
        // ToolTask kills the tool exactly when Timeout has passed, and says so only in a warning.
        if (StoppedBy == Stop.None && Timeout != System.Threading.Timeout.Infinite && clock.ElapsedMilliseconds >= Timeout)
            StoppedBy = Stop.TimedOut;
        return exitCode;
    }

    public override void Cancel()
    {
        StoppedBy = Stop.Cancelled;
        base.Cancel();
    }
}
