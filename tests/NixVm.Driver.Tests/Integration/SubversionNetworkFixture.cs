using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>One booted subversion sample (samples/subversion) for all of <see cref="SubversionSampleTests"/>.</summary>
public sealed class SubversionNetworkFixture() : BootedNetworkFixture(Repo.PathOf("samples", "subversion", "default.nix"), "shared-subversion");
