using System.Globalization;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Alerts;

/// <summary>Object names of alerts and their delivery records (docs/pipeline.md, storage layout); every name is validated.</summary>
public static class AlertPaths
{
    /// <summary>The prefix of every delivery record: <c>alerts/deliveries/</c>.</summary>
    public const string DeliveriesPrefix = "alerts/deliveries/";

    /// <summary><c>alerts/{yyyy}/{MM}/{dd}/{alertId}.json</c> for the UTC day of <paramref name="raisedAt"/>.</summary>
    /// <exception cref="ObjectStoreException">The id makes an invalid object name.</exception>
    public static string Alert(string alertId, DateTimeOffset raisedAt)
    {
        var day = raisedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture);
        return ObjectName.Validate($"alerts/{day}/{alertId}.json");
    }

    /// <summary><c>alerts/deliveries/{alertId}/{subscriber}.json</c>: one alert's delivery state for one subscriber.</summary>
    /// <exception cref="ObjectStoreException">The id or subscriber name makes an invalid object name.</exception>
    public static string Delivery(string alertId, string subscriber) =>
        ObjectName.Validate($"{DeliveriesPrefix}{alertId}/{subscriber}.json");
}
