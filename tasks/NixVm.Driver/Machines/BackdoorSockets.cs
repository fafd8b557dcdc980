using System.Net.Sockets;

namespace NixVm.Driver.Machines;

/// <summary>The connections QEMU made to the host for one guest's backdoor.</summary>
sealed record BackdoorSockets(Socket Console, Socket Stdout, Socket Stderr, Socket Control);
