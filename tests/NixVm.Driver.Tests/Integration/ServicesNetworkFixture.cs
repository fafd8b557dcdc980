using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>tests/nix-cases/services.nix booted once for the tests that leave its services running.</summary>
public sealed class ServicesNetworkFixture() : BootedNetworkFixture(TestNetwork.Case("services"), "services");
