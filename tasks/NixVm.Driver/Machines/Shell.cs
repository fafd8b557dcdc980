namespace NixVm.Driver.Machines;

/// <summary>POSIX shell quoting for values the driver puts into guest commands.</summary>
static class Shell
{
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
