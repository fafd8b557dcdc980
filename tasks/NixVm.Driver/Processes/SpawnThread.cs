namespace NixVm.Driver.Processes;

/// <summary>
/// One long-lived thread that forks every child process. Children get the kernel's parent-death
/// signal (<c>setpriv --pdeathsig</c>), and that signal fires when the <em>thread</em> that forked
/// exits — a thread-pool thread retiring would kill a healthy VM. This thread never exits.
/// </summary>
static class SpawnThread
{
    static readonly System.Collections.Concurrent.BlockingCollection<Action> Work = new();

    static SpawnThread()
    {
        var thread = new Thread(() => { foreach (var action in Work.GetConsumingEnumerable()) action(); })
        {
            IsBackground = true,
            Name = "nixvm-spawn",
        };
        thread.Start();
    }

    public static Task<T> Run<T>(Func<T> func)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try { tcs.SetResult(func()); }
            catch (Exception e) { tcs.SetException(e); }
        });
        return tcs.Task;
    }
}
