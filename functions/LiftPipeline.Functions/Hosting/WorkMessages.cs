using System.Text;
using LiftPipeline.Pipeline.Handlers;

namespace LiftPipeline.Functions.Hosting;

/// <summary>Queue messages to and from <see cref="WorkItem"/> (its JSON format, one message per item).</summary>
public static class WorkMessages
{
    /// <summary>Reads a queue trigger's message, which must be a <paramref name="kind"/> request.</summary>
    /// <exception cref="FormatException">Not a work message, an unsafe name in it, or another kind (it belongs on another queue). The invocation fails, so the host retries the message and then moves it to the poison queue.</exception>
    public static WorkItem Read(string message, WorkKind kind)
    {
        var item = WorkItem.Parse(Encoding.UTF8.GetBytes(message ?? ""));
        return item.Kind == kind
            ? item
            : throw new FormatException($"A {item.Kind} request for {item.Campaign} arrived on the {kind} queue; it belongs on {item.Queue}.");
    }

    /// <summary>The messages for <paramref name="items"/>, in order.</summary>
    public static string[] Write(IEnumerable<WorkItem> items) =>
        items.Select(item => Encoding.UTF8.GetString(item.ToJson())).ToArray();
}
