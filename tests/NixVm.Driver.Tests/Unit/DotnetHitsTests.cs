using NixVm.Driver.Coverage;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Unit;

/// <summary>coverlet hits files of the same service from two networks of one test run add up.</summary>
public class DotnetHitsTests
{
    [Fact]
    public void A_later_networks_hits_are_added_to_an_earlier_ones()
    {
        using var dir = new TempDirectory();
        Write(dir.File("earlier"), 0, 2, 5);
        Write(dir.File("later"), 1, 0, 3);

        DotnetCoverage.AddHits(dir.File("later"), dir.File("earlier"));

        Assert.Equal([1, 2, 8], Read(dir.File("earlier")));
        Assert.False(File.Exists(dir.File("later")));
    }

    [Fact]
    public void Hits_of_different_modules_are_refused()
    {
        using var dir = new TempDirectory();
        Write(dir.File("earlier"), 0, 2);
        Write(dir.File("later"), 1, 0, 3);

        var e = Assert.Throws<CoverageException>(() => DotnetCoverage.AddHits(dir.File("later"), dir.File("earlier")));
        Assert.Contains("not the same instrumented module", e.Message);
        Assert.Equal([0, 2], Read(dir.File("earlier")));
    }

    // coverlet's format: the number of sequence points, then one hit count per point (32-bit each).
    static void Write(string file, params int[] hits)
    {
        using var writer = new BinaryWriter(File.Create(file));
        writer.Write(hits.Length);
        foreach (var h in hits) writer.Write(h);
    }

    static int[] Read(string file)
    {
        using var reader = new BinaryReader(File.OpenRead(file));
        return Enumerable.Range(0, reader.ReadInt32()).Select(_ => reader.ReadInt32()).ToArray();
    }
}
