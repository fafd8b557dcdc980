namespace NixVm.Driver.Machines;

/// <summary>QEMU refused a command on one of its monitors (QMP for links and power, HMP for port forwards); the message has QEMU's reply.</summary>
public sealed class MonitorCommandException : NixVmException
{
    internal MonitorCommandException(string machine, string command, string reply)
        : base($"machine '{machine}': QEMU refused `{command}`: {reply}", machine, command) { }
}
