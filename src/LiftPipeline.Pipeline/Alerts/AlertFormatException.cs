namespace LiftPipeline.Pipeline.Alerts;

/// <summary>Stored alert or delivery-record JSON could not be read; the message names the object and the field.</summary>
public sealed class AlertFormatException(string source, string message, Exception? inner = null)
    : Exception($"{source}: {message}", inner)
{
    /// <summary>The object (or "alert JSON" when read from bytes without a name) that failed to parse.</summary>
    public string ObjectName { get; } = source;
}
