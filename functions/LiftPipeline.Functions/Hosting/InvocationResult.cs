using System.Text.Json;
using LiftPipeline.Pipeline.Handlers;

namespace LiftPipeline.Functions.Hosting;

/// <summary>
/// The response payload a custom handler returns to the Functions host:
/// <c>{"Outputs": {bindingName: value, …}, "Logs": ["…"], "ReturnValue": null}</c>. Each <c>Outputs</c> member feeds the
/// output binding of that name in function.json; a queue output given an array writes one message per element. The
/// <c>Logs</c> lines appear in the host's invocation log; each line is also written to the app's own log.
/// A 2xx status tells the host the invocation succeeded; any other status fails it (a queue message is then retried and
/// finally moved to the poison queue).
/// </summary>
public sealed class InvocationResult(ILogger logger)
{
    private readonly Dictionary<string, List<string>> _outputs = new(StringComparer.Ordinal);
    private readonly List<string> _logs = [];

    /// <summary>The queued messages by output binding name.</summary>
    public IReadOnlyDictionary<string, List<string>> Outputs => _outputs;

    /// <summary>The log lines so far.</summary>
    public IReadOnlyList<string> Logs => _logs;

    /// <summary>Adds a message to the queue output binding <paramref name="binding"/>.</summary>
    public InvocationResult Output(string binding, WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!_outputs.TryGetValue(binding, out var messages))
        {
            _outputs[binding] = messages = [];
        }
        messages.Add(System.Text.Encoding.UTF8.GetString(item.ToJson()));
        return this;
    }

    /// <summary>Adds a log line (information level).</summary>
    public InvocationResult Log(string line) => Log(LogLevel.Information, line);

    /// <summary>Adds a log line at <paramref name="level"/>.</summary>
    public InvocationResult Log(LogLevel level, string line)
    {
        _logs.Add(line);
#pragma warning disable CA2254 // the line is the message; it is built for the host's log, which has no templates
        logger.Log(level, line);
#pragma warning restore CA2254
        return this;
    }

    /// <summary>The response: status 200 (succeeded) unless <paramref name="statusCode"/> says otherwise.</summary>
    public IResult ToResult(int statusCode = StatusCodes.Status200OK)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Outputs");
            foreach (var (binding, messages) in _outputs)
            {
                writer.WriteStartArray(binding);
                foreach (var message in messages)
                {
                    writer.WriteStringValue(message);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            writer.WriteStartArray("Logs");
            foreach (var line in _logs)
            {
                writer.WriteStringValue(line);
            }
            writer.WriteEndArray();
            writer.WriteNull("ReturnValue");
            writer.WriteEndObject();
        }
        return Results.Content(System.Text.Encoding.UTF8.GetString(buffer.ToArray()), "application/json", System.Text.Encoding.UTF8, statusCode);
    }
}
