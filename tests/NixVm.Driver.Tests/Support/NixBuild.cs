namespace NixVm.Driver.Tests.Support;

/// <summary>nix-build of one attribute (through <see cref="Commands"/>, which runs the real tool).</summary>
static class NixBuild
{
    public static Task<Commands.Run> RunAsync(string file, string attribute, IDictionary<string, string>? environment = null) =>
        Commands.NixAsync(environment ?? new Dictionary<string, string>(), "nix-build", "--no-out-link", file, "-A", attribute);

    /// <summary>Builds and returns the store path; a failed build fails the test with Nix's output.</summary>
    public static async Task<string> BuildAsync(string file, string attribute)
    {
        var r = await RunAsync(file, attribute);
        if (r.ExitCode != 0) throw new InvalidOperationException($"nix-build {file} -A {attribute} failed:\n{r.Stderr}");
        return r.Stdout;
    }
}
