using System.Text.RegularExpressions;
using Microsoft.Build.Framework;

namespace NixVmTasks;

/// <summary>
/// Maps an error of nix/validate.nix about the JSON declaration back to the item that wrote the
/// offending value: <c>nixvm: machine 'web': attribute 'forwards': host port tcp/8080 …</c> is the
/// PortForward of web with Host 8080 (the last one: a duplicate is reported at its own line).
/// </summary>
sealed class NixErrorItems(ITaskItem[] machines, ITaskItem[] services, ITaskItem[] forwards)
{
    static readonly Regex MachineAttribute = new(@"^nixvm: machine '([^']+)'(?:: attribute '([^']+)')?");
    static readonly Regex ServiceName = new(@"service '([^']+)'");
    static readonly Regex HostPort = new(@"host port (?:[a-z]+/)?(\d+)");
    static readonly Regex GuestPort = new(@"guest port (\d+)");
    static readonly Regex ForwardIndex = new(@"forward (\d+)");

    readonly ItemLocator locator = new();

    public (string File, int Line)? Locate(string message)
    {
        var m = MachineAttribute.Match(message);
        if (!m.Success) return null;
        var machine = m.Groups[1].Value;
        if (m.Groups[2].Value == "services" && ServiceName.Match(message) is { Success: true } s)
        {
            var i = LastIndex(services, x => x.ItemSpec.Trim() == s.Groups[1].Value && x.GetMetadata("Machine").Trim() == machine);
            if (i >= 0) return locator.Locate(services, i, "VirtualMachineService");
        }
        if (m.Groups[2].Value == "forwards" && Forward(message, machine) is { } f)
            return locator.Locate(forwards, f, "PortForward");
        var vm = Array.FindIndex(machines, x => x.ItemSpec.Trim() == machine);
        return vm >= 0 ? locator.Locate(machines, vm, "VirtualMachine") : null;
    }

    /// <summary>The machine's last forward with the port the message names, else the n-th of "forward n".</summary>
    int? Forward(string message, string machine)
    {
        var mine = Enumerable.Range(0, forwards.Length).Where(i => forwards[i].ItemSpec.Trim() == machine).ToList();
        if (mine.Count == 0) return null;
        foreach (var (pattern, metadata) in new[] { (HostPort, "Host"), (GuestPort, "Guest") })
        {
            var port = pattern.Match(message);
            var withPort = port.Success ? mine.Where(i => forwards[i].GetMetadata(metadata).Trim() == port.Groups[1].Value).ToList() : [];
            if (withPort.Count > 0) return withPort[^1];
        }
        var n = ForwardIndex.Match(message);
        return n.Success && int.Parse(n.Groups[1].Value) < mine.Count ? mine[int.Parse(n.Groups[1].Value)] : mine[0];
    }

    static int LastIndex(ITaskItem[] items, Func<ITaskItem, bool> match)
    {
        for (var i = items.Length - 1; i >= 0; i--) if (match(items[i])) return i;
        return -1;
    }
}
