namespace NixVm.Driver.Tests.Support;

/// <summary>
/// samples/web-tests built once, for the classes that pass its output folder to nix-build
/// (derivations cannot restore NuGet packages). Those classes share one collection, so they run one
/// after another: the dotnet builds never overlap, and their -A report outputs are theirs to delete.
/// </summary>
public sealed class WebTestsBuild : IAsyncLifetime
{
    public const string Collection = "samples/web-tests in nix-build";

    public static readonly string WebNix = Repo.PathOf("samples", "web", "tests", "web.nix");

    public string OutputFolder { get; } = Repo.PathOf("samples", "web-tests", "bin", "Debug", "net10.0");

    /// <summary>web.nix's arguments: the compiled tests, and TCG (this host's /dev/kvm cannot boot a
    /// guest and each build's fresh HOME would probe it again: 15 s).</summary>
    public string[] TestsArgs => ["--arg", "tests", OutputFolder, "--argstr", "accelerator", "tcg"];

    public async ValueTask InitializeAsync() => await Commands.DotnetBuildAsync(Repo.PathOf("samples", "web-tests"));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

[CollectionDefinition(WebTestsBuild.Collection)]
public sealed class WebTestsBuildCollection : ICollectionFixture<WebTestsBuild>;
