using System.Diagnostics;
using System.Text.Json;
using NixVm.Shared;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// The files the build writes for other programs, for a project whose path holds a double quote,
/// a backslash, spaces and <c>${</c>: they are JSON written with System.Text.Json, so the path
/// arrives intact in the fixtures (nixvm.json) and in nix-build (NixVmExport's tests.nix, a copy of
/// nix/export.nix, and obj/nixvm/default.nix, a copy of nix/library.nix, read their JSON beside them).
/// </summary>
public sealed class ExportTests : IDisposable
{
    readonly string project = Path.Combine(Directory.CreateTempSubdirectory("nixvmtasks-test-").FullName, "my \"odd\" \\ ${x} project");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(project)!, recursive: true);

    [Fact]
    public void Nixvm_json_keeps_an_odd_path_intact()
    {
        var task = new WriteTestSettings
        {
            BuildEngine = new MockEngine(),
            OutputDirectory = Path.Combine(project, "bin"),
            Manifest = Path.Combine(project, "obj", "vms", "network.json"),
            LogDirectory = Path.Combine(project, "logs"),
            Accelerator = "tcg",
        };
        Assert.True(task.Execute());
        Assert.Equal(new TestSettingsFile(task.Manifest, task.LogDirectory, "tcg"),
            TestSettingsFile.Read(Path.Combine(project, "bin", TestSettingsFile.FileName)));
    }

    [Fact(Timeout = 300_000)]
    public async Task Nix_build_reads_the_export_of_a_project_with_an_odd_path()
    {
        var obj = Path.Combine(project, "obj", "nixvm");
        var output = Path.Combine(project, "bin");
        Directory.CreateDirectory(obj);
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "Odd.Tests.dll"), "");
        File.WriteAllText(Path.Combine(obj, "network.json"), """{ "name": "odd", "machines": { "server": { "memoryMB": 256 } } }""");
        var exportFile = Path.Combine(obj, "tests.nix");
        File.Copy(Path.Combine(Repo.Root, "nix", "export.nix"), exportFile);   // as NixVmExport does
        Assert.True(ExportSettings(Path.Combine(Repo.Root, "nix")).Execute());

        var attrs = JsonDocument.Parse(await EvalAsync(exportFile, "report.drvAttrs")).RootElement;
        Assert.Equal("odd", attrs.GetProperty("testName").GetString());
        Assert.Equal("Odd.Tests.dll", attrs.GetProperty("assembly").GetString());
        Assert.Equal(3600, attrs.GetProperty("timeout").GetInt32());   // NixVmTimeoutSeconds=0: runTests' limit
        Assert.Equal("1", attrs.GetProperty("coverage").GetString());
        Assert.Contains("kvm", attrs.GetProperty("requiredSystemFeatures").EnumerateArray().Select(f => f.GetString()));
        Assert.True(File.Exists(Path.Combine(attrs.GetProperty("tests").GetString()!, "Odd.Tests.dll")), "the tests folder was not found");
        var manifest = JsonDocument.Parse(await EvalAsync(exportFile, "vms.drvAttrs.networkJson")).RootElement.GetString()!;
        Assert.Contains("\"name\":\"server\"", manifest);
    }

    [Fact(Timeout = 300_000)]
    public async Task Hand_written_nix_imports_the_library_of_a_package_with_an_odd_path()
    {
        // The package's nix/ directory at an odd path too: the library file imports it.
        var nixDirectory = Path.Combine(project, "package \"${pkg}\"", "nix");
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Repo.Root, "nix"), "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(nixDirectory, Path.GetRelativePath(Path.Combine(Repo.Root, "nix"), f));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(f, copy);
        }
        var task = ExportSettings(nixDirectory);
        Assert.True(task.Execute());
        File.Copy(Path.Combine(nixDirectory, "library.nix"), task.LibraryFile);   // as NixVmExport does

        // import ./obj/nixvm { }: nix-instantiate calls the library's function with its defaults.
        var banner = await EvalAsync(Path.GetDirectoryName(task.LibraryFile)!, "lib.contracts.guest.readyBanner");
        Assert.Equal(Contract.Guest.ReadyBanner, JsonSerializer.Deserialize<string>(banner));
    }

    /// <summary>The task as NixVmExport runs it for the project, with the package's nix/ directory here.</summary>
    WriteExportSettings ExportSettings(string nixDirectory) => new()
    {
        BuildEngine = new MockEngine(),
        ExportFile = Path.Combine(project, "obj", "nixvm", "tests.nix"),
        LibraryFile = Path.Combine(project, "obj", "nixvm", "default.nix"),
        NixDirectory = nixDirectory + "/",
        Declaration = Path.Combine(project, "obj", "nixvm", "network.json"),
        NetworkName = "odd",
        TestsDirectory = Path.Combine(project, "bin") + "/",
        Assembly = "Odd.Tests.dll",
        Coverage = true,
        TimeoutSeconds = 0,
        Accelerator = "kvm",
    };

    /// <summary>nix-instantiate --eval --strict --json of an attribute (copies sources into the store, builds nothing).</summary>
    static async Task<string> EvalAsync(string file, string attribute)
    {
        var psi = new ProcessStartInfo("nix-instantiate") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--eval", "--strict", "--json", "--read-write-mode", file, "-A", attribute }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(p.ExitCode == 0, $"nix-instantiate {file} -A {attribute} failed:\n{stderr}");
        return await stdout;
    }
}
