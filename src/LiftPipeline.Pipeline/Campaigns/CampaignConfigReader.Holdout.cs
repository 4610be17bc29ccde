using System.Globalization;
using System.Text.Json;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>The holdout section and the holdout guardrails of campaign.json.</summary>
internal sealed partial class CampaignConfigReader
{
    private HoldoutSettings? Holdout(JsonElement root, string? design, IReadOnlyList<string>? metrics, IReadOnlyList<string>? arms)
    {
        bool present = root.TryGetProperty("holdout", out var element) && element.ValueKind != JsonValueKind.Null;
        if (!present)
        {
            return design == "holdout" ? new HoldoutSettings() : null;
        }
        if (design == "panel")
        {
            Error("holdout", "is only for \"design\": \"holdout\"; remove it or change the design");
            return null;
        }
        if (!IsObject(element, "holdout", "the holdout settings"))
        {
            return null;
        }
        CheckProperties(element, "holdout", Properties["holdout"]);
        var defaults = new HoldoutSettings();
        var (contrasts, contrastPaths) = Contrasts(element);
        string? adjustmentName = String(element, "holdout", "adjustment", required: false);
        var adjustment = defaults.Adjustment;
        if (adjustmentName is not null && HoldoutSettings.TryParseAdjustment(adjustmentName, out adjustment) is { } wrong)
        {
            Error("holdout." + wrong.Field, wrong.Message);
        }
        var settings = new HoldoutSettings
        {
            Control = String(element, "holdout", "control", required: false) ?? defaults.Control,
            Allocation = ArmNumbers(element, "allocation"),
            Contrasts = contrasts,
            ConversionMetric = MetricName(element, "holdout", "conversionMetric", metrics),
            RevenueMetric = MetricName(element, "holdout", "revenueMetric", metrics),
            Ratios = Ratios(element, metrics),
            CapQuantile = TryGet(element, "capQuantile", out _) ? Number(element, "holdout", "capQuantile", 0.999, _ => true, "a number") : null,
            Adjustment = adjustment,
            SequentialTuningN = Whole(element, "holdout", "sequentialTuningN", defaults.SequentialTuningN),
            Spend = ArmNumbers(element, "spend"),
            PrimaryContrast = PrimaryContrast(element, arms),
        };
        // The rules are the settings' own (the CLI applies the same ones); here each is reported at its JSON path.
        foreach (var rule in settings.Validate())
        {
            Error(PathOf(rule, contrastPaths), rule.Message);
        }
        return settings;
    }

    /// <summary>The JSON path of a settings rule: <c>holdout.</c> and its field, except that <c>contrasts[i]</c> is the i-th contrast read, at its own index.</summary>
    private static string PathOf(SettingError rule, List<string> contrastPaths) =>
        rule.Setting == "contrasts" && int.TryParse(rule.Rest.Trim('[', ']'), NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < contrastPaths.Count
            ? contrastPaths[i]
            : "holdout." + rule.Field;

    /// <summary><c>holdout.primaryContrast</c> as <c>treatment:control</c>; each arm must be one of <c>arms</c> when the campaign lists them.</summary>
    private ArmContrast? PrimaryContrast(JsonElement obj, IReadOnlyList<string>? arms)
    {
        string? text = String(obj, "holdout", "primaryContrast", required: false);
        if (text is null)
        {
            return null;
        }
        if (HoldoutSettings.TryParseContrast(text, out var contrast) is { } wrong)
        {
            Error("holdout." + wrong.Field, wrong.Message);
            return null;
        }
        foreach (var arm in new[] { contrast!.Treatment, contrast.Control })
        {
            if (arms is not null && !arms.Contains(arm))
            {
                Error("holdout.primaryContrast", $"names arm '{arm}', which is not one of the campaign's arms ({string.Join(", ", arms)})");
            }
        }
        return contrast;
    }

    /// <summary>A metric name at <paramref name="path"/>.<paramref name="name"/> (the document when the path is empty), which must be one of the campaign's metrics.</summary>
    private string? MetricName(JsonElement obj, string path, string name, IReadOnlyList<string>? metrics)
    {
        string? metric = String(obj, path, name, required: false);
        if (metric is not null && metrics is not null && !metrics.Contains(metric))
        {
            Error(path.Length == 0 ? name : $"{path}.{name}", $"'{metric}' is not one of the campaign's metrics ({string.Join(", ", metrics)}); add it to \"metrics\"");
        }
        return metric;
    }

    /// <summary>A map from arm to a finite number; the range each number must lie in is <see cref="HoldoutSettings.Validate"/>'s rule.</summary>
    private Dictionary<string, double>? ArmNumbers(JsonElement obj, string name)
    {
        string path = "holdout." + name;
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }
        if (!IsObject(value, path, "a map from arm to number"))
        {
            return null;
        }
        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var arm in value.EnumerateObject())
        {
            if (arm.Value.ValueKind == JsonValueKind.Number && arm.Value.TryGetDouble(out double number) && double.IsFinite(number))
            {
                numbers[arm.Name] = number;
            }
            else
            {
                Error($"{path}.{arm.Name}", $"is {Show(arm.Value)}; give a number");
            }
        }
        return numbers;
    }

    /// <summary>The contrasts with both arms named, and the JSON path of each (for the rules' errors).</summary>
    private (List<ArmContrast> Contrasts, List<string> Paths) Contrasts(JsonElement obj)
    {
        var contrasts = new List<ArmContrast>();
        var paths = new List<string>();
        foreach (var (item, at) in Items(obj, "holdout", "contrasts"))
        {
            CheckProperties(item, at, Properties["holdout.contrasts[]"]);
            string? treatment = String(item, at, "treatment", required: true);
            string? control = String(item, at, "control", required: true);
            if (treatment is not null && control is not null)
            {
                contrasts.Add(new ArmContrast(treatment, control));
                paths.Add(at);
            }
        }
        return (contrasts, paths);
    }

    private List<RatioMetric> Ratios(JsonElement obj, IReadOnlyList<string>? metrics)
    {
        var ratios = new List<RatioMetric>();
        foreach (var (item, at) in Items(obj, "holdout", "ratios"))
        {
            CheckProperties(item, at, Properties["holdout.ratios[]"]);
            string? name = String(item, at, "name", required: true);
            string? numerator = MetricIn(item, at, "numerator", metrics);
            string? denominator = MetricIn(item, at, "denominator", metrics);
            if (name is not null && numerator is not null && denominator is not null)
            {
                ratios.Add(new RatioMetric(name, numerator, denominator));
            }
        }
        return ratios;
    }

    private List<HarmCheck> Harm(JsonElement obj, IReadOnlyList<string>? metrics)
    {
        var checks = new List<HarmCheck>();
        foreach (var (item, at) in Items(obj, "guardrails", "harm"))
        {
            CheckProperties(item, at, Properties["guardrails.harm[]"]);
            string? metric = MetricIn(item, at, "metric", metrics);
            double margin = Number(item, at, "margin", 0.01, HarmCheck.IsMargin, HarmCheck.MarginRule);
            bool higherIsBetter = Bool(item, at, "higherIsBetter", true);
            if (metric is not null)
            {
                checks.Add(new HarmCheck(metric, margin, higherIsBetter));
            }
        }
        return checks;
    }

    private string? MetricIn(JsonElement item, string at, string name, IReadOnlyList<string>? metrics)
    {
        string? metric = String(item, at, name, required: true);
        if (metric is not null && metrics is not null && !metrics.Contains(metric))
        {
            Error(Join(at, name), $"'{metric}' is not one of the campaign's metrics ({string.Join(", ", metrics)}); add it to \"metrics\"");
            return null;
        }
        return metric;
    }

    /// <summary>The objects of an optional list property, each with its JSON path (<c>parent.name[i]</c>).</summary>
    private List<(JsonElement Item, string Path)> Items(JsonElement obj, string parent, string name)
    {
        var items = new List<(JsonElement, string)>();
        string path = Join(parent, name);
        if (!TryGet(obj, name, out var value))
        {
            return items;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"is {Show(value)}; give a list of objects");
            return items;
        }
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            string at = $"{path}[{i++}]";
            if (IsObject(item, at, "an object"))
            {
                items.Add((item, at));
            }
        }
        return items;
    }
}
