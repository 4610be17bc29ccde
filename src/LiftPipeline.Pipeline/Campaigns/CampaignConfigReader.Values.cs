using System.Text.Json;
using System.Text.RegularExpressions;

namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>Typed field readers: each records an error with the field's JSON path and returns null or the default.</summary>
internal sealed partial class CampaignConfigReader
{
    private void Error(string path, string message) => _errors.Add(new CampaignConfigError(path, message));

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    private static string Show(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"{value.GetRawText()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private bool IsObject(JsonElement value, string path, string what)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            return true;
        }
        Error(path, $"is {Show(value)}; {what} must be a JSON object {{ ... }}");
        return false;
    }

    /// <summary>Unknown properties (with a hint when only the case differs) and repeated properties are errors.</summary>
    private void CheckProperties(JsonElement obj, string path, IReadOnlyList<string> allowed)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            string at = Join(path, property.Name);
            if (!seen.Add(property.Name))
            {
                Error(at, "appears twice; keep one");
            }
            else if (!allowed.Contains(property.Name))
            {
                var near = allowed.FirstOrDefault(a => string.Equals(a, property.Name, StringComparison.OrdinalIgnoreCase));
                Error(at, near is not null
                    ? $"is not a known property; did you mean '{near}'? (names are case-sensitive)"
                    : $"is not a known property; expected one of {string.Join(", ", allowed)}");
            }
        }
    }

    private bool TryGet(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private string? String(JsonElement obj, string parent, string name, bool required)
    {
        if (!TryGet(obj, name, out var value))
        {
            if (required)
            {
                Error(Join(parent, name), "is required; give a non-empty string");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            Error(Join(parent, name), $"is {Show(value)}; give a non-empty string");
            return null;
        }
        return value.GetString();
    }

    private bool Bool(JsonElement obj, string parent, string name, bool fallback)
    {
        if (!TryGet(obj, name, out var value))
        {
            return fallback;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        Error(Join(parent, name), $"is {Show(value)}; give true or false");
        return fallback;
    }

    private int Int(JsonElement obj, string parent, string name, int fallback, int min, int max)
    {
        if (!TryGet(obj, name, out var value))
        {
            return fallback;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= min && number <= max)
        {
            return number;
        }
        Error(Join(parent, name), $"is {Show(value)}; give a whole number from {min} to {max} (default {fallback})");
        return fallback;
    }

    /// <summary>Any whole number (32 bits); the range it must lie in is the caller's rule.</summary>
    private int Whole(JsonElement obj, string parent, string name, int fallback)
    {
        if (!TryGet(obj, name, out var value))
        {
            return fallback;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number))
        {
            return number;
        }
        Error(Join(parent, name), $"is {Show(value)}; give a whole number (default {fallback})");
        return fallback;
    }

    /// <summary>A significance level: 0 &lt; α &lt; 0.5.</summary>
    private double Level(JsonElement obj, string parent, string name, double fallback) =>
        Number(obj, parent, name, fallback, v => v > 0 && v < 0.5, "a level strictly between 0 and 0.5, such as 0.05");

    private double Positive(JsonElement obj, string parent, string name, double fallback) =>
        Number(obj, parent, name, fallback, v => v > 0, "a number greater than 0");

    private double Number(JsonElement obj, string parent, string name, double fallback, Func<double, bool> valid, string expected)
    {
        if (!TryGet(obj, name, out var value))
        {
            return fallback;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number) && double.IsFinite(number) && valid(number))
        {
            return number;
        }
        Error(Join(parent, name), $"is {Show(value)}; give {expected} (default {fallback})");
        return fallback;
    }

    /// <summary>One of <paramref name="choices"/> (exact, lower case); the fallback when absent (null: required).</summary>
    private string? Choice(JsonElement obj, string parent, string name, IReadOnlyList<string> choices, string? fallback)
    {
        if (!TryGet(obj, name, out var value))
        {
            return fallback;
        }
        if (value.ValueKind == JsonValueKind.String && choices.Contains(value.GetString()))
        {
            return value.GetString();
        }
        Error(Join(parent, name), $"is {Show(value)}; expected one of {string.Join(", ", choices.Select(c => $"\"{c}\""))}");
        return fallback;
    }

    /// <summary>A non-empty list of distinct non-empty strings, each in <paramref name="allowed"/> when given.</summary>
    private List<string>? StringList(JsonElement obj, string parent, string name, bool required, IReadOnlyList<string>? allowed)
    {
        string path = Join(parent, name);
        if (!TryGet(obj, name, out var value))
        {
            if (required)
            {
                Error(path, "is required; give a non-empty list of strings, such as [\"conversions\"]");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            Error(path, $"is {(value.ValueKind == JsonValueKind.Array ? "an empty list" : Show(value))}; give a non-empty list of strings");
            return null;
        }
        var items = new List<string>();
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            string at = $"{path}[{i++}]";
            string? text = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (string.IsNullOrWhiteSpace(text))
            {
                Error(at, $"is {Show(item)}; give a non-empty string");
            }
            else if (allowed is not null && !allowed.Contains(text))
            {
                Error(at, $"'{text}' is not known; expected one of {string.Join(", ", allowed)}");
            }
            else if (items.Contains(text))
            {
                Error(at, $"'{text}' is listed twice; list each once");
            }
            else
            {
                items.Add(text);
            }
        }
        return items;
    }

    [GeneratedRegex("^[A-Za-z0-9_:-]{1,128}$")]
    private static partial Regex SecretNamePattern();

    /// <summary>A subscriber name is one object-name segment of alerts/deliveries/{alert}/{subscriber}.json (StoreLayout.Delivery).</summary>
    [GeneratedRegex(@"^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SubscriberNamePattern();

    [GeneratedRegex("[^a-z0-9._]+")]
    private static partial Regex NotNameCharacters();

    /// <summary>A valid name close to <paramref name="name"/>, for the message: lowercase, other characters as '-'.</summary>
    private static string Suggest(string name)
    {
        var suggestion = NotNameCharacters().Replace(name.ToLowerInvariant(), "-").Trim('-', '.');
        return suggestion.Length == 0 ? "growth-team" : suggestion[..Math.Min(64, suggestion.Length)];
    }
}
