using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Audiences;
using LiftPipeline.Statistics.Audiences.Segments;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// Reads audience.json field by field, collecting every problem with its JSON path (as campaign.json is read) into one
/// <see cref="AudienceDefinitionException"/>. Holdouts are checked by the assignment types themselves
/// (<see cref="BucketAllocation"/>, <see cref="AudienceLayer"/>, <see cref="HoldoutAssigner"/>). Rules are parsed
/// when the export they run on is open (its extra columns are part of the language), by <see cref="AudienceBuilder"/>.
/// </summary>
public sealed class AudienceDefinitionReader
{
    /// <summary>The properties accepted in each object, by path (<c>""</c> the document, <c>segments[]</c> each segment).</summary>
    internal static IReadOnlyDictionary<string, string[]> Properties { get; } = new Dictionary<string, string[]>
    {
        [""] = ["audience", "description", "segments", "lifecycle", "activate", "holdouts", "validation"],
        ["segments[]"] = ["name", "rule"],
        ["lifecycle"] = ["newDays", "activeDays", "lapsingDays"],
        ["activate"] = ["segment", "surfaces", "phoneCountryCode"],
        ["holdouts[]"] = ["campaign", "segment", "salt", "allocation", "layer"],
        ["holdouts[].layer"] = ["name", "salt", "from", "to"],
        ["validation"] = ["jaccardFloor", "maxSmd", "balanceCovariates", "minimumCustomers"],
    };

    private readonly List<string> _problems = [];

    private AudienceDefinitionReader()
    {
    }

    /// <summary>Reads the audience.json at <paramref name="path"/>.</summary>
    /// <exception cref="AudienceDefinitionException">Not JSON, or any field missing or invalid.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<AudienceDefinition> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
        Read(path, await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads <paramref name="json"/>, naming <paramref name="file"/> in errors.</summary>
    /// <exception cref="AudienceDefinitionException">Not JSON, or any field missing or invalid.</exception>
    public static AudienceDefinition Read(string file, ReadOnlySpan<byte> json)
    {
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new AudienceDefinitionException(file, [$"$: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})"], e);
        }
        using (document)
        {
            var reader = new AudienceDefinitionReader();
            var definition = reader.Root(document.RootElement);
            return reader._problems.Count == 0 ? definition! : throw new AudienceDefinitionException(file, reader._problems);
        }
    }

    private AudienceDefinition? Root(JsonElement root)
    {
        if (!IsObject(root, "$", ""))
        {
            return null;
        }
        string? audience = Name(root, "", "audience", "an audience id");
        string? description = Text(root, "", "description", required: false);
        var segments = Segments(root);
        var lifecycle = LifecycleThresholds(root);
        var names = segments.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var activate = Activate(root, names);
        var holdouts = Holdouts(root, audience ?? "audience", names);
        var validation = Validation(root);
        return _problems.Count > 0 ? null : new AudienceDefinition(audience!, description, segments, lifecycle, activate, holdouts, validation);
    }

    private List<SegmentDefinition> Segments(JsonElement root)
    {
        var segments = new List<SegmentDefinition>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (item, path) in Array(root, "segments", required: true))
        {
            if (!IsObject(item, path, "segments[]"))
            {
                continue;
            }
            string? name = Name(item, path, "name", "a segment name");
            string? rule = Text(item, path, "rule", required: true);
            if (name is not null && !seen.Add(name))
            {
                Problem(path + ".name", $"'{name}' is used by two segments; give each its own name");
            }
            if (name is not null && rule is not null)
            {
                segments.Add(new SegmentDefinition(name, rule));
            }
        }
        return segments;
    }

    private LifecycleThresholds LifecycleThresholds(JsonElement root)
    {
        var defaults = new LifecycleThresholds();
        if (!TryGet(root, "lifecycle", out var element) || !IsObject(element, "lifecycle", "lifecycle"))
        {
            return defaults;
        }
        var thresholds = new LifecycleThresholds
        {
            NewDays = Int(element, "lifecycle", "newDays", defaults.NewDays, 0, 100_000),
            ActiveDays = Int(element, "lifecycle", "activeDays", defaults.ActiveDays, 0, 100_000),
            LapsingDays = Int(element, "lifecycle", "lapsingDays", defaults.LapsingDays, 0, 100_000),
        };
        try
        {
            thresholds.Validate();
        }
        catch (ArgumentException e)
        {
            Problem("lifecycle", e.Message);
        }
        return thresholds;
    }

    private AudienceActivation? Activate(JsonElement root, HashSet<string> segments)
    {
        if (!TryGet(root, "activate", out var element) || !IsObject(element, "activate", "activate"))
        {
            return null;
        }
        string? segment = SegmentOf(element, "activate", segments);
        var surfaces = new List<ActivationSurface>();
        foreach (var (item, path) in Array(element, "surfaces", required: true, "activate"))
        {
            if (item.ValueKind == JsonValueKind.String && ActivationSurface.Find(item.GetString()!) is { } surface && surface.Name == item.GetString())
            {
                surfaces.Add(surface);
            }
            else
            {
                Problem(path, $"is {Show(item)}; give one of {string.Join(", ", ActivationSurface.All.Select(s => s.Name))}");
            }
        }
        string? code = Text(element, "activate", "phoneCountryCode", required: false);
        if (code is not null && (code.Length is < 1 or > 3 || !code.All(char.IsAsciiDigit) || code[0] == '0'))
        {
            Problem("activate.phoneCountryCode", $"is '{code}'; give the country calling code as 1 to 3 digits without '+' (e.g. \"49\")");
        }
        return segment is null ? null : new AudienceActivation(segment, surfaces, code);
    }

    private List<AudienceHoldout> Holdouts(JsonElement root, string audience, HashSet<string> segments)
    {
        var holdouts = new List<AudienceHoldout>();
        foreach (var (item, path) in Array(root, "holdouts", required: false))
        {
            if (!IsObject(item, path, "holdouts[]"))
            {
                continue;
            }
            string? campaign = Name(item, path, "campaign", "a campaign id");
            string? segment = SegmentOf(item, path, segments);
            string? salt = Text(item, path, "salt", required: true);
            var allocation = Allocation(item, path);
            var layer = Layer(item, path);
            if (campaign is null || segment is null || salt is null || allocation is null || layer is { Item1: false })
            {
                continue;
            }
            try
            {
                holdouts.Add(new AudienceHoldout(campaign, segment, new HoldoutAssigner(audience, salt, allocation, layer?.Item2)));
            }
            catch (ArgumentException e)
            {
                Problem(path, e.Message);
            }
        }
        return holdouts;
    }

    private BucketAllocation? Allocation(JsonElement holdout, string path)
    {
        string at = path + ".allocation";
        if (!TryGet(holdout, "allocation", out var element))
        {
            Problem(at, "is required; give each arm's share, e.g. {\"holdout\": 0.1, \"vbo\": 0.45, \"vbo_1p\": 0.45}");
            return null;
        }
        if (!IsObject(element, at, null))
        {
            return null;
        }
        var shares = new List<KeyValuePair<string, double>>();
        foreach (var arm in element.EnumerateObject())
        {
            if (arm.Value.ValueKind != JsonValueKind.Number)
            {
                Problem($"{at}.{arm.Name}", $"is {Show(arm.Value)}; give the arm's share as a number between 0 and 1");
                return null;
            }
            shares.Add(new(arm.Name, arm.Value.GetDouble()));
        }
        try
        {
            return BucketAllocation.FromShares(shares);
        }
        catch (ArgumentException e)
        {
            Problem(at, e.Message);
            return null;
        }
    }

    /// <summary>(false, _) when the layer is given but invalid; null when absent.</summary>
    private (bool, AudienceLayer?)? Layer(JsonElement holdout, string path)
    {
        string at = path + ".layer";
        if (!TryGet(holdout, "layer", out var element))
        {
            return null;
        }
        if (!IsObject(element, at, "holdouts[].layer"))
        {
            return (false, null);
        }
        int before = _problems.Count;
        string? name = Text(element, at, "name", required: true);
        string? salt = Text(element, at, "salt", required: true);
        int from = Int(element, at, "from", -1, 0, HoldoutHash.Buckets);
        int to = Int(element, at, "to", -1, 0, HoldoutHash.Buckets);
        if (_problems.Count > before || name is null || salt is null)
        {
            return (false, null);
        }
        var layer = new AudienceLayer(name, salt, from, to);
        try
        {
            layer.Validate();
            return (true, layer);
        }
        catch (ArgumentException e)
        {
            Problem(at, e.Message);
            return (false, null);
        }
    }

    private AudienceValidationSettings Validation(JsonElement root)
    {
        var defaults = AudienceValidationSettings.Default;
        if (!TryGet(root, "validation", out var element) || !IsObject(element, "validation", "validation"))
        {
            return defaults;
        }
        double floor = Number(element, "validation", "jaccardFloor", defaults.JaccardFloor, v => v is >= 0 and <= 1, "a number from 0 to 1");
        double maxSmd = Number(element, "validation", "maxSmd", defaults.MaxSmd, v => v > 0, "a positive number");
        int minimum = Int(element, "validation", "minimumCustomers", (int)defaults.MinimumCustomers, 1, int.MaxValue);
        IReadOnlyList<string> covariates = defaults.BalanceCovariates;
        if (TryGet(element, "balanceCovariates", out _))
        {
            var names = new List<string>();
            foreach (var (item, path) in Array(element, "balanceCovariates", required: true, "validation"))
            {
                if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
                {
                    names.Add(item.GetString()!);
                }
                else
                {
                    Problem(path, $"is {Show(item)}; give a column name");
                }
            }
            covariates = names;
        }
        return new AudienceValidationSettings(floor, maxSmd, covariates, minimum);
    }

    private string? SegmentOf(JsonElement obj, string parent, HashSet<string> segments)
    {
        string? segment = Text(obj, parent, "segment", required: true);
        if (segment is not null && !segments.Contains(segment))
        {
            Problem(parent + ".segment", $"'{segment}' is not one of the segments ({string.Join(", ", segments)})");
            return null;
        }
        return segment;
    }

    private void Problem(string path, string message) => _problems.Add($"{path}: {message}");

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    private static string Show(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static bool TryGet(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>An object, its unknown or repeated properties reported (<paramref name="kind"/> null: any property names).</summary>
    private bool IsObject(JsonElement value, string path, string? kind)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Problem(path, $"is {Show(value)}; give a JSON object {{ ... }}");
            return false;
        }
        if (kind is null)
        {
            return true;
        }
        var allowed = Properties[kind];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            string at = path == "$" ? property.Name : Join(path, property.Name);
            if (!seen.Add(property.Name))
            {
                Problem(at, "appears twice; keep one");
            }
            else if (System.Array.IndexOf(allowed, property.Name) < 0)
            {
                Problem(at, $"is not a known property; expected one of {string.Join(", ", allowed)} (names are case-sensitive)");
            }
        }
        return true;
    }

    private IEnumerable<(JsonElement Item, string Path)> Array(JsonElement obj, string name, bool required, string parent = "")
    {
        string path = Join(parent, name);
        if (!TryGet(obj, name, out var value))
        {
            if (required)
            {
                Problem(path, "is required; give a list");
            }
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            Problem(path, $"is {(value.ValueKind == JsonValueKind.Array ? "an empty list" : Show(value))}; give a list of at least one item");
            return [];
        }
        return value.EnumerateArray().Select((item, i) => (item, $"{path}[{i}]")).ToList();
    }

    private string? Text(JsonElement obj, string parent, string name, bool required)
    {
        string path = Join(parent, name);
        if (!TryGet(obj, name, out var value))
        {
            if (required)
            {
                Problem(path, "is required; give a non-empty string");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            Problem(path, $"is {Show(value)}; give a non-empty string");
            return null;
        }
        return value.GetString();
    }

    private string? Name(JsonElement obj, string parent, string name, string what)
    {
        string? text = Text(obj, parent, name, required: true);
        if (text is not null && !ObjectName.IsCampaignId(text))
        {
            Problem(Join(parent, name), $"'{text}' is not {what}; use 1 to 64 of a-z, 0-9 and '-'");
            return null;
        }
        return text;
    }

    private int Int(JsonElement obj, string parent, string name, int fallback, int min, int max)
    {
        if (!TryGet(obj, name, out var value))
        {
            if (fallback < min)
            {
                Problem(Join(parent, name), $"is required; give a whole number from {min} to {max}");
            }
            return fallback;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= min && number <= max)
        {
            return number;
        }
        Problem(Join(parent, name), $"is {Show(value)}; give a whole number from {min} to {max}");
        return fallback;
    }

    private double Number(JsonElement obj, string parent, string name, double fallback, Func<double, bool> valid, string expected)
    {
        if (!TryGet(obj, name, out var value))
        {
            return fallback;
        }
        if (value.ValueKind == JsonValueKind.Number && valid(value.GetDouble()))
        {
            return value.GetDouble();
        }
        Problem(Join(parent, name), $"is {Show(value)}; give {expected}");
        return fallback;
    }
}
