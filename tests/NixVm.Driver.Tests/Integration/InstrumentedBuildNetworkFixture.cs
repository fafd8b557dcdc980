using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>One booted tests/nix-cases/coverage-builds.nix for all of <see cref="InstrumentedBuildTests"/>.</summary>
public sealed class InstrumentedBuildNetworkFixture() : BootedNetworkFixture(TestNetwork.Case("coverage-builds"), "coverage-builds");
