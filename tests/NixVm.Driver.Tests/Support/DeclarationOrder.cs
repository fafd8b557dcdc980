using Xunit.Sdk;
using Xunit.v3;

namespace NixVm.Driver.Tests.Support;

/// <summary>Runs a class's tests in the order they are written (the methods' metadata tokens follow it).</summary>
public sealed class DeclarationOrder : ITestMethodOrderer
{
    public IReadOnlyCollection<TTestMethod?> OrderTestMethods<TTestMethod>(IReadOnlyCollection<TTestMethod?> testMethods)
        where TTestMethod : notnull, ITestMethod =>
        testMethods.OrderBy(m => m is IXunitTestMethod x ? x.MetadataToken : int.MaxValue).ToArray();
}
