using NixVm.Shared;

namespace NixVmTasks;

/// <summary>The dotnet host the tasks start programs with.</summary>
static class ToolLocator
{
    /// <summary>The dotnet host running this build (MSBuild sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : HostPath.Find("dotnet") ?? "dotnet";
}
