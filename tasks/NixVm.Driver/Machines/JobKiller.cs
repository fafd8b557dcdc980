using System.Net.Sockets;
using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>
/// The host end of the control port (wire format: <see cref="CommandFraming"/>): asks the guest's
/// watcher to kill the running job and waits for its answer. The watcher kills whatever job runs
/// when a request reaches it, so a request must be answered before the next command is sent.
/// </summary>
sealed class JobKiller(Socket control) : IDisposable
{
    /// <summary>How long to wait before asking again when no job ran yet (the shell is still reading the command).</summary>
    static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(50);

    readonly NetworkStream stream = new(control, ownsSocket: true);
    StreamReader? answers;

    /// <summary>
    /// Has the guest kill job <paramref name="id"/>; returns once the guest killed it, or found no job
    /// running after <paramref name="ended"/> (its markers are in) completed.
    /// </summary>
    /// <exception cref="EndOfStreamException">The control port closed, or the watcher answered out of step.</exception>
    /// <exception cref="OperationCanceledException">The guest did not answer before <paramref name="ct"/>.</exception>
    public async Task KillAsync(string id, Task ended, CancellationToken ct)
    {
        answers ??= new StreamReader(stream, Encoding.ASCII);
        while (!ended.IsCompleted)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(id + "\n"), ct);
            var answer = await answers.ReadLineAsync(ct) ?? throw new EndOfStreamException("the guest's control port closed");
            if (answer == id + CommandFraming.Killed) return;
            if (answer != id + CommandFraming.NothingToKill)
                throw new EndOfStreamException($"the guest answered `{answer}` to the request to kill job {id}; the shell is out of step");
            // No job ran: it has not started yet, or it has ended and its markers are on their way.
            await Task.WhenAny(ended, Task.Delay(Retry, ct));
        }
    }

    public void Dispose()
    {
        answers?.Dispose();
        stream.Dispose();
    }
}
