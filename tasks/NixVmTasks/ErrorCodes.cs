namespace NixVmTasks;

/// <summary>
/// The diagnostics this assembly reports itself; the README lists every code with its fix. Codes
/// of declaration values (004–008, 010, 011, 017–019, 024, 025…) come from nix/validate.nix, and
/// NIXVM013/014/016 from the plain MSBuild checks in NixVmTasks.targets.
/// </summary>
static class ErrorCodes
{
    public const string UnknownMetadata = "NIXVM001";
    public const string DuplicateItem = "NIXVM002";
    public const string EmptyName = "NIXVM003";
    public const string ForwardToUnknownMachine = "NIXVM009";
    public const string MissingNixFile = "NIXVM012";
    public const string ResultsNotWritable = "NIXVM015";
    public const string NixBuildMissing = "NIXVM020";
    public const string QemuMissing = "NIXVM021";
    public const string NoKernel = "NIXVM022";
    public const string NixBuildFailed = "NIXVM030";
    public const string TestFailed = "NIXVM040";
    public const string TestRunFailed = "NIXVM041";
    public const string NetworkAlreadyUp = "NIXVM050";
    public const string NetworkUpFailed = "NIXVM051";
    public const string ServiceProjectNotFound = "NIXVM070";
    public const string ServiceFrameworkNotRunnable = "NIXVM071";
    public const string ServicePublishFailed = "NIXVM072";
    public const string ServiceOnUnknownMachine = "NIXVM073";
}
