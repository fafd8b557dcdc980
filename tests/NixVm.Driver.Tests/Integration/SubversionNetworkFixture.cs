using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>One booted subversion sample (samples/subversion) for all of <see cref="SubversionSampleTests"/>.</summary>
public sealed class SubversionNetworkFixture : IAsyncLifetime
{
    public static readonly string Sample = Repo.PathOf("samples", "subversion", "default.nix");

    public VirtualNetwork Network { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Network = await TestNetwork.StartAsync(Sample, "shared-subversion");

    public async ValueTask DisposeAsync() => await Network.DisposeAsync();
}
