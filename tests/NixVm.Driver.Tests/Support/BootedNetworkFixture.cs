namespace NixVm.Driver.Tests.Support;

/// <summary>A network built and booted once for all tests of a class (an xunit class fixture); subclasses name it.</summary>
public abstract class BootedNetworkFixture(string nixFile, string logName) : IAsyncLifetime
{
    public VirtualNetwork Network { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Network = await TestNetwork.StartAsync(nixFile, logName);

    public async ValueTask DisposeAsync() => await Network.DisposeAsync();
}
