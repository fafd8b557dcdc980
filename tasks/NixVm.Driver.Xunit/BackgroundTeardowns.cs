namespace NixVm.Driver.Xunit;

/// <summary>
/// Teardowns of fresh networks that go on after their fixture's <c>DisposeAsync</c> has returned.
/// xunit starts a lane's next test class only once the previous class's fixture is disposed, and
/// stopping a network (its services' stop in the guest, QEMU's and the switch's end, the state
/// directory's removal) is 0.2–0.6 s spent mostly waiting: beside the next class's start it costs the
/// lane nothing. The process waits for every one of them before it exits (<see cref="AppDomain.ProcessExit"/>),
/// so each network still copies its service logs, logs <c>network stopped</c> and leaves nothing; if
/// the process is killed instead, the parent-death signal and the state directory's reaper clean up
/// as they always do.
/// </summary>
static class BackgroundTeardowns
{
    static readonly List<Task> Running = [];

    static BackgroundTeardowns() => AppDomain.CurrentDomain.ProcessExit += (_, _) => WhenAll().Wait();

    /// <summary>Runs <paramref name="teardown"/> on the thread pool; it must report its own failures (it is never awaited by its caller).</summary>
    public static void Start(Func<Task> teardown)
    {
        lock (Running)
        {
            Running.RemoveAll(t => t.IsCompleted);
            Running.Add(Task.Run(teardown));
        }
    }

    /// <summary>Completes when every teardown started so far has finished.</summary>
    public static Task WhenAll()
    {
        lock (Running) return Task.WhenAll(Running.ToArray());
    }
}
