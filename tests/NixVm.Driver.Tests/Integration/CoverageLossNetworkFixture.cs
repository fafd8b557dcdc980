using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>One booted tests/nix-cases/coverage-loss.nix for all of <see cref="CoverageLossTests"/>.</summary>
public sealed class CoverageLossNetworkFixture : IAsyncLifetime
{
    public VirtualNetwork Network { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Network = await TestNetwork.StartAsync(TestNetwork.Case("coverage-loss"), "coverage-loss");

    public async ValueTask DisposeAsync() => await Network.DisposeAsync();
}
