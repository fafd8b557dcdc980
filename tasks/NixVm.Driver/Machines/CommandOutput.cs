namespace NixVm.Driver.Machines;

/// <summary>
/// One of a command's output streams on its way to the caller: kept in memory within the command's
/// <see cref="OutputLimit"/>, or written to the caller's stream (no limit); logged either way.
/// </summary>
sealed class CommandOutput(StreamLogger log, OutputLimit limit, Stream? target = null)
{
    readonly MemoryStream memory = new();

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data)
    {
        log.Add(data.Span);
        if (target is not null) await target.WriteAsync(data);
        else if (limit.Take(data.Length)) memory.Write(data.Span);
    }

    /// <summary>What was kept in memory (nothing when the output went to a stream).</summary>
    public byte[] ToArray() => memory.ToArray();
}
