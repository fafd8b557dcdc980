using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>tests/nix-cases/services.nix booted once for the tests that leave its services running.</summary>
public sealed class ServicesNetworkFixture : IAsyncLifetime
{
    public VirtualNetwork Network { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Network = await TestNetwork.StartAsync(TestNetwork.Case("services"), "services");

    public async ValueTask DisposeAsync() => await Network.DisposeAsync();
}
