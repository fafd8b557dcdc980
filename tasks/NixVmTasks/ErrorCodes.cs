namespace NixVmTasks;

/// <summary>Every diagnostic the package reports; the README lists them with their fixes.</summary>
static class ErrorCodes
{
    public const string UnknownMetadata = "NIXVM001";
    public const string DuplicateMachine = "NIXVM002";
    public const string EmptyName = "NIXVM003";
    public const string BadHostName = "NIXVM004";
    public const string BadMemory = "NIXVM005";
    public const string MemoryTooSmall = "NIXVM006";
    public const string BadVlan = "NIXVM007";
    public const string BadCores = "NIXVM008";
    public const string ForwardToUnknownMachine = "NIXVM009";
    public const string HostPortClash = "NIXVM010";
    public const string BadPort = "NIXVM011";
    public const string MissingNixFile = "NIXVM012";
    public const string UnknownBackend = "NIXVM013";
    public const string UnknownAccelerator = "NIXVM014";
    public const string ResultsNotWritable = "NIXVM015";
    public const string NoMachines = "NIXVM016";
    public const string NixBuildMissing = "NIXVM020";
    public const string QemuMissing = "NIXVM021";
    public const string NoKernel = "NIXVM022";
    public const string NixBuildFailed = "NIXVM030";
    public const string TestFailed = "NIXVM040";
    public const string TestRunFailed = "NIXVM041";
    public const string NetworkAlreadyUp = "NIXVM050";
    public const string NetworkUpFailed = "NIXVM051";
}
