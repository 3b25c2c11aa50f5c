using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace Orchestrator.Coordinator.Logging;

/// <summary>
/// One JSON object per event, one event per line: timestamp (UTC, ISO 8601), level, template, rendered message,
/// exception (when present) and every property at the top level (RunId, Role, Rank, Epoch, Step, ...).
/// A property whose name collides with a reserved field is written with a leading underscore.
/// Numbers and booleans stay JSON numbers and booleans, so machines can filter on them.
/// </summary>
public sealed class JsonLinesFormatter : ITextFormatter
{
    private static readonly HashSet<string> Reserved = ["timestamp", "level", "template", "message", "exception"];
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", logEvent.Level.ToString());
            json.WriteString("template", logEvent.MessageTemplate.Text);
            json.WriteString("message", logEvent.RenderMessage(CultureInfo.InvariantCulture));
            if (logEvent.Exception is not null) json.WriteString("exception", logEvent.Exception.ToString());
            foreach (var (name, value) in logEvent.Properties)
            {
                json.WritePropertyName(Reserved.Contains(name) ? "_" + name : name);
                WriteValue(json, value);
            }

            json.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Write('\n');
    }

    private static void WriteValue(Utf8JsonWriter json, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(json, scalar.Value);
                break;
            case SequenceValue sequence:
                json.WriteStartArray();
                foreach (var item in sequence.Elements) WriteValue(json, item);
                json.WriteEndArray();
                break;
            case StructureValue structure:
                json.WriteStartObject();
                if (structure.TypeTag is not null) json.WriteString("$type", structure.TypeTag);
                foreach (var property in structure.Properties)
                {
                    json.WritePropertyName(property.Name);
                    WriteValue(json, property.Value);
                }

                json.WriteEndObject();
                break;
            case DictionaryValue dictionary:
                json.WriteStartObject();
                foreach (var (key, item) in dictionary.Elements)
                {
                    json.WritePropertyName(Convert.ToString(key.Value, CultureInfo.InvariantCulture) ?? "null");
                    WriteValue(json, item);
                }

                json.WriteEndObject();
                break;
            default:
                json.WriteStringValue(value.ToString());
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case short s: json.WriteNumberValue(s); break;
            case byte b: json.WriteNumberValue(b); break;
            case uint u: json.WriteNumberValue(u); break;
            case ulong u: json.WriteNumberValue(u); break;
            case decimal m: json.WriteNumberValue(m); break;
            // JSON has no NaN or infinity: a diverged loss is still worth logging, as text.
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case double d: json.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
            case float f: json.WriteStringValue(f.ToString(CultureInfo.InvariantCulture)); break;
            case DateTimeOffset dto: json.WriteStringValue(dto.ToString("O", CultureInfo.InvariantCulture)); break;
            case DateTime dt: json.WriteStringValue(dt.ToString("O", CultureInfo.InvariantCulture)); break;
            case IFormattable f: json.WriteStringValue(f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }
}
