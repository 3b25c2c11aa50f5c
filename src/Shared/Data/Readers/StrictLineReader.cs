using System.Text;

namespace Orchestrator.Shared.Data.Readers;

/// <summary>One physical line: its text, or the decoding error that made it unreadable.</summary>
internal readonly record struct RawLine(int Number, string? Text, DataFormatException? Error);

/// <summary>
/// Streams a file line by line as strict UTF-8: invalid bytes are reported with the line they are on
/// (StreamReader would silently turn them into U+FFFD, which the tokenizer then drops). Accepts \n and
/// \r\n endings and a leading byte-order mark.
/// </summary>
internal static class StrictLineReader
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static FileStream Open(string path)
    {
        if (!File.Exists(path))
            throw new DataFormatException(path, 0, "file", Directory.Exists(path) ? "is a directory, expected a file" : "not found");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    public static IEnumerable<RawLine> Read(string path)
    {
        using var stream = Open(path);
        var buffer = new byte[1 << 16];
        var line = new byte[256];
        int lineLength = 0, number = 0, read;
        bool any = false;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            any = true;
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    if (lineLength == line.Length)
                        Array.Resize(ref line, line.Length * 2);
                    line[lineLength++] = buffer[i];
                    continue;
                }
                yield return Decode(path, ++number, line, lineLength);
                lineLength = 0;
            }
        }
        if (!any)
            throw new DataFormatException(path, 0, "file", "is empty");
        if (lineLength > 0)
            yield return Decode(path, ++number, line, lineLength);
    }

    private static RawLine Decode(string path, int number, byte[] bytes, int length)
    {
        int start = 0;
        if (number == 1 && length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            start = 3;
        if (length > start && bytes[length - 1] == (byte)'\r')
            length--;
        try
        {
            return new RawLine(number, Strict.GetString(bytes, start, length - start), null);
        }
        catch (DecoderFallbackException e)
        {
            var column = e.Index >= 0 ? $" at byte {e.Index + 1}" : "";
            return new RawLine(number, null, new DataFormatException(path, number, "text", $"invalid UTF-8{column}", e));
        }
    }
}
