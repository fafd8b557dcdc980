using System.Collections.Concurrent;
using Xunit;

namespace NixVm.Driver.Xunit;

/// <summary>
/// What a <see cref="NetworkFixture"/> is for, read from xunit's context while it initializes: the
/// whole assembly (an assembly fixture, or outside any test), a test collection (a collection
/// fixture), a test class (a class fixture) or one test (created by the test class). Every scope but
/// the assembly's is <em>fresh</em>: several of its networks may run at once (xunit runs classes in
/// parallel), so each gets a log directory of its own below the build's and forwards its declared
/// ports from free host ports.
/// </summary>
sealed record FixtureScope(string? Name, bool IsFresh)
{
    static readonly ConcurrentDictionary<string, int> Claimed = new(StringComparer.Ordinal);

    /// <summary>The scope of the fixture being initialized now.</summary>
    public static FixtureScope Current()
    {
        var context = TestContext.Current;
        if (context.Test is not null && context.TestClass is not null && context.TestMethod is not null)
            return Fresh(context.TestClass.TestClassName, context.TestMethod.MethodName);
        if (context.PipelineStage == TestPipelineStage.TestClassExecution && context.TestClass is not null)
            return Fresh(context.TestClass.TestClassName);
        if (context.PipelineStage == TestPipelineStage.TestCollectionExecution && context.TestCollection is not null)
            return Fresh(context.TestCollection.TestCollectionDisplayName);
        return new FixtureScope(null, IsFresh: false);
    }

    /// <summary>Where this scope's network logs: the build's log directory, or a directory of its own below it.</summary>
    public string? LogDirectory(string? buildLogDirectory) =>
        Name is null || buildLogDirectory is null ? buildLogDirectory : Path.Combine(buildLogDirectory, Name);

    /// <summary>
    /// A name unique in this process: <c>Class</c> or <c>Class/Method</c>, characters a file name should
    /// not have replaced; the second network of the same name (a theory's next row, a test run twice)
    /// gets <c>-2</c>, and so on.
    /// </summary>
    static FixtureScope Fresh(params string[] parts)
    {
        var name = Path.Combine(parts.Select(Sanitize).ToArray());
        var n = Claimed.AddOrUpdate(name, 1, (_, count) => count + 1);
        return new FixtureScope(n == 1 ? name : $"{name}-{n}", IsFresh: true);
    }

    static string Sanitize(string part) =>
        new(part.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+' ? c : '_').ToArray());
}
