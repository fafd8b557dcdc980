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

    [Fact]
    public void Reader_finds_the_marker_split_across_chunks_and_keeps_output_exact()
    {
        var id = "0123456789abcdef";
        var output = new byte[] { 0, 1, 2, 0x1e, (byte)'\n', 255 };
        var stream = output.Concat(Encoding.ASCII.GetBytes($"\u001eNIXVM-END:{id}:42\nnext")).ToArray();
        for (var chunk = 1; chunk <= stream.Length; chunk++)
        {
            var reader = new MarkerReader(id);
            MarkerEnd end = default;
            var done = false;
            for (var i = 0; i < stream.Length && !done; i += chunk)
                done = reader.Feed(stream.AsSpan(i, Math.Min(chunk, stream.Length - i)), out end);
            Assert.True(done, $"chunk size {chunk}");
            Assert.Equal(output, end.Before);
            Assert.Equal(":42", end.Suffix);
            Assert.True("next".StartsWith(Encoding.ASCII.GetString(end.After)), $"chunk size {chunk}");
        }
    }

    [Fact]
    public void Markers_of_other_commands_are_output()
    {
        var reader = new MarkerReader("aaaa");
        var fake = "\u001eNIXVM-END:bbbb\n\u001eNIXVM-END:\n";
        Assert.False(reader.Feed(Encoding.ASCII.GetBytes(fake), out _));
        Assert.True(reader.Feed(Encoding.ASCII.GetBytes("\u001eNIXVM-END:aaaa\n"), out var end));
        Assert.Equal(fake, Encoding.ASCII.GetString(end.Before));
        Assert.Equal("", end.Suffix);
    }

    [Fact]
    public void Safe_prefix_never_covers_a_possible_marker_start()
    {
        var reader = new MarkerReader("abcd");
        reader.Feed(Encoding.ASCII.GetBytes("hello\u001eNIXVM-E"), out _);
        Assert.True(reader.SafeLength <= 5);
    }

    [Fact]
    public void Ids_are_random_hex()
    {
        var a = CommandFraming.NewId();
        Assert.Matches("^[0-9a-f]{16}$", a);
        Assert.NotEqual(a, CommandFraming.NewId());
    }
}
