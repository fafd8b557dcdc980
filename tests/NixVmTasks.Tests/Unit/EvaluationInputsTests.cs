namespace NixVmTasks.Tests.Unit;

/// <summary>The files a Nix evaluation read, from nix-build -vv's log and the path literals of the files it evaluated.</summary>
public sealed class EvaluationInputsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("nixvmtasks-test-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Write(string relative, string text = "")
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Evaluated_files_copied_sources_and_existing_path_literals_are_inputs()
    {
        var machine = Write("machines/web.nix", "import ../common.nix // { files.\"/etc/motd\" = builtins.readFile ./motd; src = ./prog; other = ./missing.txt; }\n# ./notes.md");
        var common = Write("common.nix", "{ }");
        var motd = Write("machines/motd", "hi");
        var prog = Write("machines/prog/main.c");
        var header = Write("machines/prog/include/x.h");
        var copied = Write("assets/site/index.html");
        var ours = Write("pkg/nix/default.nix");
        string[] log =
        [
            $"evaluating file '{ours}'",
            $"evaluating file '{machine}'",
            $"evaluating file '{common}'",
            "evaluating file '/nix/store/abc-source/default.nix'",
            $"copied source '{Path.Combine(dir, "assets")}' -> '/nix/store/xyz-assets'",
            "processing attribute 'builder'",
        ];
        var inputs = EvaluationInputs.FromLog(log, [Path.Combine(dir, "pkg/nix"), "/nix/store"]);
        Assert.Equal(new[] { copied, common, machine, motd, header, prog }.Order(StringComparer.Ordinal), inputs);
    }
}
