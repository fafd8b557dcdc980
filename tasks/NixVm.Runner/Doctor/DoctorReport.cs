namespace NixVm.Runner.Doctor;

/// <summary>
/// Prints the checks, one line each, then what to install: missing required things are errors in
/// MSBuild's canonical format (`nixvm doctor: error NIXVM080: …`, so the NixVmDoctor target shows them
/// as build errors), missing optional ones warnings (NIXVM081). Exit code 1 when a required one is missing.
/// </summary>
static class DoctorReport
{
    public const string MissingCode = "NIXVM080";
    public const string OptionalCode = "NIXVM081";

    public static int Print(IReadOnlyList<HostCheck> checks, TextWriter output)
    {
        foreach (var c in checks)
        {
            if (c.Ok) output.WriteLine($"ok       {c.Name}: {c.Detail}");
            else
            {
                var (category, code) = c.Required ? ("error", MissingCode) : ("warning", OptionalCode);
                var fix = c.Package is not null ? $"sudo apt-get install {c.Package}" : c.Fix;
                output.WriteLine($"nixvm doctor: {category} {code}: {c.Name}: {c.Detail}{(fix is null ? "" : "; fix: " + fix)}");
            }
        }
        var failed = checks.Where(c => !c.Ok).ToList();
        var packages = failed.Where(c => c.Package is not null).Select(c => c.Package!).Distinct().ToList();
        if (packages.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Debian/Ubuntu, all at once:");
            output.WriteLine($"  sudo apt-get install -y --no-install-recommends {string.Join(' ', packages)}");
            output.WriteLine("Elsewhere: install the same programs with your package manager (" +
                string.Join(", ", failed.Where(c => c.Package is not null).Select(c => c.Name)) + ") and put them on PATH.");
        }
        var required = failed.Count(c => c.Required);
        output.WriteLine(required == 0
            ? "nixvm doctor: this host can build and run NixVmTasks networks"
            : $"nixvm doctor: {required} required thing(s) missing");
        return required == 0 ? 0 : 1;
    }
}
