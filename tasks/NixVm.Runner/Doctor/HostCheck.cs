namespace NixVm.Runner.Doctor;

/// <summary>
/// One thing `nixvm-runner doctor` looks at. <see cref="Package"/> is the Debian/Ubuntu package that
/// provides it (null when apt cannot), <see cref="Fix"/> what to do otherwise.
/// </summary>
sealed record HostCheck(string Name, bool Ok, string Detail, bool Required = true, string? Package = null, string? Fix = null);
