using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>Lists and maps in LiftPipeline's JSON, written so the same values always give the same bytes.</summary>
internal static class JsonLists
{
    /// <summary>Writes <paramref name="name"/> as an array of strings.</summary>
    public static void WriteStrings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    /// <summary>Writes <paramref name="name"/> as an array of numbers, null where a value is not finite.</summary>
    public static void WriteNumbers(this Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteFiniteValue(v);
        }
        w.WriteEndArray();
    }

    /// <summary>A name → number object with keys in ordinal order, so dictionary iteration order never leaks into the bytes.</summary>
    public static void WriteSortedMap(this Utf8JsonWriter w, string name, IReadOnlyDictionary<string, double> values)
    {
        w.WriteStartObject(name);
        foreach (var key in values.Keys.Order(StringComparer.Ordinal))
        {
            w.WriteFinite(key, values[key]);
        }
        w.WriteEndObject();
    }

    /// <summary>Writes <paramref name="name"/>: the string, or null.</summary>
    public static void WriteStringOrNull(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
