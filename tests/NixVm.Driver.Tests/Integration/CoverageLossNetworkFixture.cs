using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>One booted tests/nix-cases/coverage-loss.nix for all of <see cref="CoverageLossTests"/>.</summary>
public sealed class CoverageLossNetworkFixture() : BootedNetworkFixture(TestNetwork.Case("coverage-loss"), "coverage-loss");
