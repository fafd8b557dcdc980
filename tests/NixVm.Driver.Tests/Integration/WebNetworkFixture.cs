using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>One booted web sample shared by tests that leave the machines as they found them.</summary>
public sealed class WebNetworkFixture : IAsyncLifetime
{
    public VirtualNetwork Network { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Network = await TestNetwork.StartAsync(TestNetwork.WebSample, "shared-web");

    public async ValueTask DisposeAsync() => await Network.DisposeAsync();
}
