using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>One booted web sample shared by tests that leave the machines as they found them.</summary>
public sealed class WebNetworkFixture() : BootedNetworkFixture(TestNetwork.WebSample, "shared-web");
