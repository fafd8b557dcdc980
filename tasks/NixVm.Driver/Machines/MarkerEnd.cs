namespace NixVm.Driver.Machines;

/// <param name="Before">The bytes before the marker: the command's output on a port.</param>
/// <param name="Suffix">What followed the id on the marker line (":&lt;status&gt;" on stdout and after the set-up, "" on stderr).</param>
/// <param name="After">Bytes that followed the marker line.</param>
readonly record struct MarkerEnd(byte[] Before, string Suffix, byte[] After);
