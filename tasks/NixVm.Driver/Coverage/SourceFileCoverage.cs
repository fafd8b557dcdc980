namespace NixVm.Driver.Coverage;

/// <summary>Line and branch counters of one source file, summed over all test names of a tracefile.</summary>
sealed class SourceFileCoverage(string path)
{
    public string Path { get; } = path;

    /// <summary>Line number → execution count (lines gcov considers executable).</summary>
    public SortedDictionary<int, long> Lines { get; } = new();

    /// <summary>(line, block, branch) → times taken (0 also when lcov says "-", never reached).</summary>
    public SortedDictionary<(int Line, int Block, int Branch), long> Branches { get; } = new();

    public IEnumerable<int> HitLines => Lines.Where(l => l.Value > 0).Select(l => l.Key);
}
