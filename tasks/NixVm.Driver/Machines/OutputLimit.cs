namespace NixVm.Driver.Machines;

/// <summary>
/// How much output (stdout and stderr together) one command may leave in the driver's memory. The
/// first write past it calls <paramref name="exceeded"/> (the shell then has the guest kill the
/// command) and everything after it is dropped, so the streams stay in step and memory bounded.
/// </summary>
sealed class OutputLimit(long bytes, Action exceeded)
{
    long used;
    int tripped;

    public long Bytes => bytes;

    public bool Exceeded => Volatile.Read(ref tripped) == 1;

    /// <summary>Room for <paramref name="count"/> more bytes (stdout and stderr are read at the same time).</summary>
    public bool Take(int count)
    {
        if (Exceeded) return false;
        if (Interlocked.Add(ref used, count) <= bytes) return true;
        if (Interlocked.Exchange(ref tripped, 1) == 0) exceeded();
        return false;
    }
}
