using System.Diagnostics;
using System.Text;
using NixVm.Driver.Machines;

namespace NixVm.Driver.Tests.Unit;

public class CommandFramingTests
{
    [Theory]
    [InlineData("echo hello")]
    [InlineData("it's a 'quoted' \"string\" with \\ backslashes")]
    [InlineData("line one\nline two\ttab\r\u0001\u007f")]
    [InlineData("unicode: grüße ✓ $HOME `date` $(id)")]
    public void AnsiC_quoting_round_trips_through_bash(string text)
    {
        var quoted = CommandFraming.QuoteAnsiC(text);
        var psi = new ProcessStartInfo("bash", ["--norc", "-c", $"printf %s {quoted}"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(text, output);
    }

    [Fact]
    public void Setup_script_runs_in_bash_and_reports_missing_ports_in_its_marker()
    {
        // Outside a guest the ports are missing: the script gives up after its 5 s wait and says so.
        var psi = new ProcessStartInfo("bash", ["--norc"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(CommandFraming.SetupScript);
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal("", p.StandardError.ReadToEnd());
        Assert.Contains("are not all there", output);
        Assert.EndsWith(CommandFraming.MarkerPrefix + CommandFraming.SetupId + ":1\n", output);
    }

    [Fact]
    public void Quoting_rejects_NUL()
    {
        Assert.Throws<ArgumentException>(() => CommandFraming.QuoteAnsiC("a\0b"));
    }

    [Fact]
    public void Frame_is_one_line()
    {
        var frame = Encoding.UTF8.GetString(CommandFraming.Frame("a\nb", "abc"));
        Assert.Equal("__nixvm_run $'a\\nb' abc\n", frame);
    }

    /// <summary>Feeds <paramref name="chunks"/>; the output handed on, and the end once the marker line is complete.</summary>
    static (byte[] Output, MarkerEnd? End) Read(MarkerReader reader, IEnumerable<byte[]> chunks)
    {
        var output = new List<byte>();
        foreach (var chunk in chunks)
        {
            var done = reader.Feed(chunk, out var certain, out var end);
            output.AddRange(certain.ToArray());
            if (done) return (output.ToArray(), end);
        }
        return (output.ToArray(), null);
    }

    [Fact]
    public void Reader_finds_the_marker_split_across_chunks_and_keeps_output_exact()
    {
        var id = "0123456789abcdef";
        var output = new byte[] { 0, 1, 2, 0x1e, (byte)'\n', 255 };
        var stream = output.Concat(Encoding.ASCII.GetBytes($"\u001eNIXVM-END:{id}:42\nnext")).ToArray();
        for (var chunk = 1; chunk <= stream.Length; chunk++)
        {
            var (got, end) = Read(new MarkerReader(id), stream.Chunk(chunk));
            Assert.True(end is not null, $"chunk size {chunk}");
            Assert.Equal(output, got);
            Assert.Equal(":42", end.Value.Suffix);
            Assert.True("next".StartsWith(Encoding.ASCII.GetString(end.Value.After)), $"chunk size {chunk}");
        }
    }

    [Fact]
    public void Markers_of_other_commands_are_output()
    {
        var fake = "\u001eNIXVM-END:bbbb\n\u001eNIXVM-END:\n";
        var (got, end) = Read(new MarkerReader("aaaa"), [Encoding.ASCII.GetBytes(fake), Encoding.ASCII.GetBytes("\u001eNIXVM-END:aaaa\n")]);
        Assert.Equal(fake, Encoding.ASCII.GetString(got));
        Assert.Equal("", end!.Value.Suffix);
    }

    [Fact]
    public void Output_is_handed_on_except_what_could_start_a_marker()
    {
        var reader = new MarkerReader("abcd");
        Assert.False(reader.Feed(Encoding.ASCII.GetBytes("hello\u001eNIXVM-E"), out var certain, out _));
        Assert.Equal("hello", Encoding.ASCII.GetString(certain.Span));
        // Megabytes without a marker pass through at once: memory does not grow with the output.
        var big = new byte[4 << 20];
        Assert.False(reader.Feed(big, out certain, out _));
        Assert.Equal("\u001eNIXVM-E".Length + big.Length, certain.Length);
    }

    [Fact]
    public void Ids_are_random_hex()
    {
        var a = CommandFraming.NewId();
        Assert.Matches("^[0-9a-f]{16}$", a);
        Assert.NotEqual(a, CommandFraming.NewId());
    }
}
