using NixVm.Driver.Machines;

namespace NixVm.Driver.Tests.Integration;

/// <summary>The service model applied at boot: accounts, directories, environment, ready checks, masks, names.</summary>
public class ServiceTests(ServicesNetworkFixture fixture) : IClassFixture<ServicesNetworkFixture>
{
    Machine Alpha => fixture.Network["alpha"];
    Machine Beta => fixture.Network["beta"];
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_service_runs_as_its_user_with_its_environment_in_its_working_directory()
    {
        // facts: user, group, working directory, $GREETING, $HOME $USER $LOGNAME as the service saw them
        Assert.Equal("svc\nsvc\n/var/lib/owned\nhello 'world'\n/home/svc svc svc\n", await Alpha.SucceedAsync("cat /var/lib/owned/facts", ct: Ct));
        Assert.Equal("svc svc\n", await Alpha.SucceedAsync("ps -eo user=,group=,args= | grep '[o]wned.run' | awk '{ print $1, $2 }' | sort -u", ct: Ct));
        // a group that is not the user's own
        Assert.Equal("www-data svc\n", await Alpha.SucceedAsync("ps -eo user=,group=,args= | grep '[h]ttpd -f -p 8080' | awk '{ print $1, $2 }'", ct: Ct));
        Assert.Contains("svc:x:1000:1000:", await Alpha.SucceedAsync("grep ^svc: /etc/passwd", ct: Ct));
        Assert.Equal("svc:x:1000:\n", await Alpha.SucceedAsync("grep ^svc: /etc/group", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Directories_are_created_with_owner_group_and_mode()
    {
        Assert.Equal(
            "svc svc 755 /var/lib/owned\nsvc www-data 770 /var/log/owned\nroot root 755 /srv/www\nsvc svc 755 /home/svc\n",
            await Alpha.SucceedAsync("stat -c '%U %G %a %n' /var/lib/owned /var/log/owned /srv/www /home/svc", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task Each_ready_form_holds_back_the_next_service_until_it_passes()
    {
        // Each service gets ready a second after it starts; the next one records what it found.
        Assert.Equal("command-was-ready\ntcp-was-ready\nhttp-was-ready\n", await Alpha.SucceedAsync("cat /tmp/readiness", ct: Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task A_service_writes_its_output_to_its_log_in_the_exchange_directory()
    {
        Assert.Equal("stubborn is up\n", await Alpha.SucceedAsync("cat /tmp/xchg/services/stubborn.log", ct: Ct));
        Assert.Equal("stubborn is up\n", await File.ReadAllTextAsync(Path.Combine(Alpha.StateDirectory, "xchg", "services", "stubborn.log"), Ct));
    }

    [Fact(Timeout = 600_000)]
    public async Task A_masked_file_of_the_host_is_hidden_and_its_siblings_stay()
    {
        Assert.True(File.Exists("/etc/issue.net"), "the host needs /etc/issue.net for this test");
        await Alpha.FailAsync("test -e /etc/issue.net", ct: Ct);
        await Alpha.SucceedAsync("test -s /etc/issue && test -d /etc/apt", ct: Ct);
        await Beta.SucceedAsync("test -e /etc/issue.net", ct: Ct);
    }

    [Fact(Timeout = 600_000)]
    public async Task A_declared_kernel_module_is_loaded_with_its_dependencies()
    {
        Assert.Equal("ip6_udp_tunnel\nudp_tunnel\nvxlan\n",
            await Beta.SucceedAsync("for m in ip6_udp_tunnel udp_tunnel vxlan; do test -d /sys/module/$m && echo $m; done", ct: Ct));
        await Alpha.FailAsync("test -d /sys/module/vxlan", ct: Ct);   // not declared there
    }

    [Fact(Timeout = 600_000)]
    public async Task A_name_resolves_to_an_address_on_a_VLAN_both_machines_share()
    {
        // alpha is on VLANs 1 and 2 (node 1), beta on VLAN 2 only (node 2).
        Assert.StartsWith("192.168.2.1 ", await Beta.SucceedAsync("getent hosts alpha", ct: Ct));
        Assert.StartsWith("192.168.2.2 ", await Alpha.SucceedAsync("getent hosts beta", ct: Ct));
        Assert.StartsWith("192.168.1.1 ", await Alpha.SucceedAsync("getent hosts alpha", ct: Ct));
        await Beta.SucceedAsync("ping -c 1 -W 5 alpha", ct: Ct);
    }
}
