using NixVm.Driver.Manifest;

namespace NixVm.Driver.Tests.Unit;

public class NetworkManifestTests
{
    const string Valid = """
    { "schemaVersion": 1, "name": "web", "vlans": [1],
      "machines": [ { "name": "client", "node": 1, "startScript": "/nix/store/x/bin/run-client-vm",
         "memoryMB": 256, "cores": 1,
         "interfaces": [ { "vlan": 1, "name": "eth1", "mac": "52:54:00:12:01:01", "ipv4": "192.168.1.1", "netdev": "vlan1" } ],
         "forwards": [ { "protocol": "tcp", "hostPort": 8081, "guestPort": 80 } ],
         "kernel": "/k", "initrd": "/i", "kernelParams": "console=ttyS0", "backend": "host" } ] }
    """;

    [Fact]
    public void Parses_the_build_vms_manifest()
    {
        var m = NetworkManifest.Parse(Valid, "network.json");
        var client = m.Machine("client");
        Assert.Equal("web", m.Name);
        Assert.Equal(256, client.MemoryMB);
        Assert.Equal("vlan1", client.Interfaces[0].Netdev);
        Assert.Equal(8081, client.Forwards[0].HostPort);
    }

    [Theory]
    [InlineData("{", "not a valid network manifest")]
    [InlineData("""{ "schemaVersion": 2, "name": "x", "vlans": [], "machines": [] }""", "schemaVersion 2 is not supported")]
    [InlineData("""{ "schemaVersion": 1, "name": "x", "vlans": [], "machines": [] }""", "has no machines")]
    [InlineData("""{ "schemaVersion": 1, "vlans": [], "machines": [] }""", "not a valid network manifest")]
    public void Rejects_bad_manifests_with_the_file_name(string json, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => NetworkManifest.Parse(json, "/some/network.json"));
        Assert.StartsWith("/some/network.json: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Rejects_duplicate_machines_and_undeclared_vlans()
    {
        var dup = Valid.Replace("\"machines\": [ {", "\"machines\": [ { \"name\": \"client\", \"node\": 2, \"startScript\": \"/s\", \"memoryMB\": 1, \"cores\": 1, \"interfaces\": [], \"forwards\": [], \"kernel\": \"/k\", \"initrd\": \"/i\", \"kernelParams\": \"\", \"backend\": \"host\" }, {");
        Assert.Contains("listed twice", Assert.Throws<ManifestException>(() => NetworkManifest.Parse(dup, "n")).Message);
        var vlan = Valid.Replace("\"vlans\": [1]", "\"vlans\": [2]");
        Assert.Contains("VLAN 1, which the network does not list", Assert.Throws<ManifestException>(() => NetworkManifest.Parse(vlan, "n")).Message);
    }

    [Fact]
    public void Unknown_machine_names_the_ones_that_exist()
    {
        var m = NetworkManifest.Parse(Valid, "n");
        Assert.Contains("it has: client", Assert.Throws<KeyNotFoundException>(() => m.Machine("server")).Message);
    }

    [Fact]
    public void Missing_file_is_a_manifest_error()
    {
        Assert.Contains("cannot read", Assert.Throws<ManifestException>(() => NetworkManifest.Load("/nonexistent/network.json")).Message);
    }
}
