using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace NixVmTasks;

/// <summary>
/// Runs the host's <c>dotnet</c> for a service project (evaluate, publish) in a clean environment:
/// nothing of the calling MSBuild's own settings leaks into the child build, no MSBuild node outlives
/// it, a cancelled build kills the child's whole process tree, and a killed one ends it: the child
/// gets SIGINT when this task host dies (<see cref="ParentDeath"/>; the task holds a <see cref="BuildWatch"/>),
/// MSBuild's Ctrl-C, which also stops what the child's tasks started (a SIGKILL would leave those running).
/// Not a <see cref="OwnedToolTask"/>: one task runs several of these, and reads their output itself.
/// </summary>
sealed class PublishProcess
{
    public sealed record Result(int ExitCode, string Output, JsonElement? Values)
    {
        /// <summary>MSBuild's error lines (<c>file(line,col): error CODE: text</c>, each once), else the last lines, as one line.</summary>
        public string Errors()
        {
            var lines = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var errors = lines.Where(l => l.Contains(": error ", StringComparison.Ordinal))
                .Select(l => ProjectSuffix.Replace(l, "")).Distinct().ToList();
            return string.Join(" | ", errors.Count > 0 ? errors.Take(5) : lines.TakeLast(5));
        }

        static readonly System.Text.RegularExpressions.Regex ProjectSuffix = new(@" \[[^\]]+proj\]$");

        public string Property(string name) =>
            Values is { } v && v.TryGetProperty("Properties", out var p) && p.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";
    }

    readonly object gate = new();
    Process? running;
    bool cancelled;

    public void Cancel()
    {
        lock (gate)
        {
            cancelled = true;
            try { running?.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
    }

    /// <summary>
    /// Runs <c>dotnet &lt;args&gt;</c>. With <c>-getProperty:…</c> arguments, MSBuild prints the values as JSON
    /// on stdout after its other output; they are returned in <see cref="Result.Values"/>.
    /// </summary>
    public Result Run(string workingDirectory, IEnumerable<string> args)
    {
        var setpriv = ParentDeath.Setpriv();
        var psi = new ProcessStartInfo(setpriv ?? ToolLocator.Dotnet())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (setpriv is null ? [] : ParentDeath.Arguments("INT", ToolLocator.Dotnet())).Concat(args)) psi.ArgumentList.Add(a);
        // The SDK that runs this build exports these for its own nodes; the child is a build of its own.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("_MSBUILD", StringComparison.Ordinal) || k == "DOTNET_HOST_PATH").ToList())
            psi.Environment.Remove(key);
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        lock (gate)
        {
            if (cancelled) return new Result(-1, "cancelled", null);
            p.Start();
            running = p;
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.WaitForExit();
        lock (gate) running = null;
        var text = output.ToString();
        return new Result(p.ExitCode, text, ParseValues(text));
    }

    /// <summary>The JSON object MSBuild prints for -getProperty/-getItem: from the last line that is just "{".</summary>
    static JsonElement? ParseValues(string output)
    {
        var start = output.LastIndexOf("\n{", StringComparison.Ordinal);
        var json = start >= 0 ? output[(start + 1)..] : output.StartsWith('{') ? output : null;
        if (json is null) return null;
        try { return JsonDocument.Parse(json).RootElement.Clone(); }
        catch (JsonException) { return null; }
    }
}
