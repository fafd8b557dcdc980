namespace NixVm.Driver.Machines;

/// <param name="Suffix">What followed the id on the marker line (":&lt;status&gt;" on stdout and after the set-up, "" on stderr).</param>
/// <param name="After">Bytes that followed the marker line.</param>
readonly record struct MarkerEnd(string Suffix, byte[] After);
