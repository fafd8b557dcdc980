namespace NixVmTasks.Tests.Support;

/// <summary>Small .NET projects written beside a <see cref="TestProject"/>, for VirtualMachineService Project= items.</summary>
public static class ServiceProjects
{
    /// <summary>An ASP.NET Core minimal API (GET /health, GET /greeting from a referenced library) in <c>root/Api</c>.</summary>
    public static string MinimalApi(string root, string targetFramework = "net10.0", string properties = "")
    {
        var lib = Library(root);
        var dir = Path.Combine(root, "Api");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Api.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>{targetFramework}</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{lib}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            var app = WebApplication.CreateBuilder(args).Build();
            app.MapGet("/health", () => "ok");
            app.MapGet("/greeting", () => Lib.Greeting.Text);
            app.Run();
            """);
        return Path.Combine(dir, "Api.csproj");
    }

    /// <summary>A class library in <c>root/Lib</c> with <c>Lib.Greeting.Text</c>.</summary>
    public static string Library(string root, string text = "hello from the library")
    {
        var dir = Path.Combine(root, "Lib");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Lib.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Greeting.cs"), $$"""
            namespace Lib;
            public static class Greeting { public const string Text = "{{text}}"; }
            """);
        return Path.Combine(dir, "Lib.csproj");
    }

    /// <summary>A console program in <c>root/name</c> (no ASP.NET Core, no app host: nothing more to download for old frameworks).</summary>
    public static string Console(string root, string name, string targetFramework, string properties = "", string program = "System.Console.WriteLine(\"hi\");")
    {
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>{targetFramework}</TargetFramework>
                <UseAppHost>false</UseAppHost>
                {properties}
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
        return Path.Combine(dir, name + ".csproj");
    }
}
