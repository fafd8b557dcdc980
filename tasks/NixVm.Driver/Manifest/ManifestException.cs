namespace NixVm.Driver.Manifest;

/// <summary>The network manifest (<c>network.json</c>) cannot be read or is not valid; the message starts with its path.</summary>
public sealed class ManifestException : NixVmException
{
    internal ManifestException(string source, string message) : base($"{source}: {message}") { }
}
