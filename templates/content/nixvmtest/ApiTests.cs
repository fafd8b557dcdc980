using NixVm.Driver.Xunit;
using Xunit;

namespace Company.VmTests;

// The Api project runs on the server (VirtualMachineService "api" in the project file): the build
// publishes it, the server starts it with the host's dotnet and is ready once /health answers.
public class ApiTests(NetworkFixture network)
{
    [Fact]
    public async Task The_api_answers_the_client()
    {
        var answer = await network["client"].SucceedAsync("timeout 10 wget -qO- http://server:5000/hello/client", ct: TestContext.Current.CancellationToken);

        Assert.Equal("Hello, client, from server", answer);
    }
}
