using System.Text.Json;

namespace LiftPipeline.Pipeline.Storage;

/// <summary>Numbers in LiftPipeline's JSON: a value that is NaN or infinite (which JSON cannot hold) is written as null.</summary>
public static class JsonNumbers
{
    /// <summary>Writes <paramref name="name"/>: the number, or null when it is not finite.</summary>
    public static void WriteFinite(this Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        writer.WriteFiniteValue(value);
    }

    /// <summary>Writes <paramref name="name"/>: the number, or null when it is missing or not finite.</summary>
    public static void WriteFinite(this Utf8JsonWriter writer, string name, double? value) => writer.WriteFinite(name, value ?? double.NaN);

    /// <summary>Writes the number as an array element or value, or null when it is not finite.</summary>
    public static void WriteFiniteValue(this Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
