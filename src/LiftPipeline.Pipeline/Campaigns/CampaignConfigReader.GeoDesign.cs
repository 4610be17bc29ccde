using System.Text.Json;
using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>The <c>status</c> field and the <c>geoDesign</c> section of campaign.json (a planning campaign's market selection).</summary>
internal sealed partial class CampaignConfigReader
{
    /// <summary>The names of <see cref="GeoDesignOptions.Permutation"/>: <c>iid</c> (GeoLift's) and <c>block</c> (the deterministic moving blocks).</summary>
    internal static readonly IReadOnlyList<string> PermutationNames = ["iid", "block"];

    private CampaignStatus Status(JsonElement root, string? design)
    {
        var status = Choice(root, "", "status", ["measuring", "planning"], "measuring");
        if (status == "planning" && design == "holdout")
        {
            Error("status", "\"planning\" designs a geo test on a panel's history; a holdout has no geo design: use \"design\": \"panel\" or remove \"status\"");
        }
        return status == "planning" ? CampaignStatus.Planning : CampaignStatus.Measuring;
    }

    /// <summary>
    /// The geoDesign section; with defaults when a planning panel campaign has none; null otherwise. The design plans for
    /// the always-valid interval the nightly decisions read, at the campaign's <paramref name="campaignAlpha"/>, unless
    /// <c>fixedHorizon</c> asks for GeoLift's test (at alpha 0.1 unless given).
    /// </summary>
    private GeoDesignSettings? GeoDesign(JsonElement root, string? design, CampaignStatus status, IReadOnlyList<string>? metrics, int campaignSeed, double campaignAlpha)
    {
        bool present = root.TryGetProperty("geoDesign", out var element) && element.ValueKind != JsonValueKind.Null;
        if (design == "holdout")
        {
            if (present)
            {
                Error("geoDesign", "is only for \"design\": \"panel\" (a geo test); remove it or change the design");
            }
            return null;
        }
        if (!present)
        {
            return status == CampaignStatus.Planning && metrics is { Count: > 0 }
                ? new GeoDesignSettings(metrics[0], new GeoDesignOptions { Seed = campaignSeed, AlwaysValid = true, Alpha = campaignAlpha })
                : null;
        }
        if (!IsObject(element, "geoDesign", "the geo design settings"))
        {
            return null;
        }
        const string at = "geoDesign";
        CheckProperties(element, at, Properties[at]);
        var defaults = new GeoDesignOptions();
        string? metric = String(element, at, "metric", required: false);
        if (metric is not null && metrics is not null && !metrics.Contains(metric))
        {
            Error("geoDesign.metric", $"'{metric}' is not one of the campaign's metrics ({string.Join(", ", metrics)}); add it to \"metrics\"");
        }
        var include = StringList(element, at, "include", required: false, allowed: null) ?? [];
        var exclude = StringList(element, at, "exclude", required: false, allowed: null) ?? [];
        for (int i = 0; i < exclude.Count; i++)
        {
            if (include.Contains(exclude[i], StringComparer.OrdinalIgnoreCase))
            {
                Error($"geoDesign.exclude[{i}]", $"'{exclude[i]}' is also in geoDesign.include; a market cannot be both required and excluded");
            }
        }
        bool fixedHorizon = Bool(element, at, "fixedHorizon", false);
        var options = new GeoDesignOptions
        {
            AlwaysValid = !fixedHorizon,
            Sizes = IntList(element, "sizes", 1, 100_000),
            TreatmentPeriods = IntList(element, "treatmentPeriods", 1, 100_000),
            EffectSizes = NumberList(element, "effectSizes", v => v > -1, "a relative effect greater than −1, such as 0.05 for +5%") ?? defaults.EffectSizes,
            Include = include,
            Exclude = exclude,
            Controls = StringList(element, at, "controls", required: false, allowed: null),
            Cpic = Number(element, at, "cpic", defaults.Cpic, v => v >= 0, "a cost per incremental conversion of 0 or more, such as 7.5"),
            Budget = TryGet(element, "budget", out _) ? Positive(element, at, "budget", 1) : null,
            Alpha = Level(element, at, "alpha", fixedHorizon ? defaults.Alpha : campaignAlpha),
            Power = Number(element, at, "power", defaults.Power, v => v > 0 && v < 1, "a power strictly between 0 and 1, such as 0.8"),
            Lookback = Int(element, at, "lookback", defaults.Lookback, 1, 10_000),
            CalibrationWindows = Int(element, at, "calibrationWindows", defaults.CalibrationWindows, 0, 10_000),
            Estimator = Choice(element, at, "estimator", PanelEstimators.Names, defaults.Estimator)!,
            Permutations = Int(element, at, "permutations", defaults.Permutations, 1, 100_000),
            Permutation = Choice(element, at, "permutation", PermutationNames, "iid") == "block" ? ConformalPermutation.MovingBlock : ConformalPermutation.Iid,
            Seed = Int(element, at, "seed", campaignSeed, int.MinValue, int.MaxValue),
            Side = Choice(element, at, "side", ["two-sided", "one-sided"], "two-sided") == "one-sided" ? TestSide.OneSided : TestSide.TwoSided,
            Ranking = Choice(element, at, "ranking", ["mde", "geolift"], "mde") == "geolift" ? DesignRanking.GeoLift : DesignRanking.Mde,
            HoldoutRange = HoldoutRange(element),
            Cells = Int(element, at, "cells", defaults.Cells, 1, 100),
        };
        return metrics is { Count: > 0 } ? new GeoDesignSettings(metric ?? metrics[0], options) : null;
    }

    /// <summary><c>geoDesign.holdout</c>: <c>[min, max]</c>, shares of the outcome with 0 ≤ min &lt; max ≤ 1 (the engine's rule).</summary>
    private (double Min, double Max)? HoldoutRange(JsonElement obj)
    {
        const string path = "geoDesign.holdout";
        if (!TryGet(obj, "holdout", out var value))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2
            && value[0].ValueKind == JsonValueKind.Number && value[1].ValueKind == JsonValueKind.Number
            && value[0].GetDouble() is var min and >= 0 and <= 1 && value[1].GetDouble() is var max and >= 0 and <= 1 && min < max)
        {
            return (min, max);
        }
        Error(path, $"is {Show(value)}; give [min, max], two shares of the outcome left out of the test with 0 ≤ min < max ≤ 1, such as [0.7, 0.95]");
        return null;
    }

    /// <summary>A non-empty list of distinct whole numbers from <paramref name="min"/> to <paramref name="max"/>, or null when absent.</summary>
    private List<int>? IntList(JsonElement obj, string name, int min, int max)
    {
        var items = Elements(obj, name);
        if (items is null)
        {
            return null;
        }
        var values = new List<int>();
        foreach (var (item, at) in items)
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int value) || value < min || value > max)
            {
                Error(at, $"is {Show(item)}; give a whole number from {min} to {max}");
            }
            else if (values.Contains(value))
            {
                Error(at, $"{value} is listed twice; list each once");
            }
            else
            {
                values.Add(value);
            }
        }
        return values;
    }

    /// <summary>A non-empty list of distinct finite numbers that pass <paramref name="valid"/>, or null when absent.</summary>
    private List<double>? NumberList(JsonElement obj, string name, Func<double, bool> valid, string expected)
    {
        var items = Elements(obj, name);
        if (items is null)
        {
            return null;
        }
        var values = new List<double>();
        foreach (var (item, at) in items)
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out double value) || !double.IsFinite(value) || !valid(value))
            {
                Error(at, $"is {Show(item)}; give {expected}");
            }
            else if (values.Contains(value))
            {
                Error(at, $"{item.GetRawText()} is listed twice; list each once");
            }
            else
            {
                values.Add(value);
            }
        }
        return values;
    }

    /// <summary>The items of the non-empty list <c>geoDesign.{name}</c> with their paths; null when absent or not such a list (then an error is recorded).</summary>
    private List<(JsonElement Item, string Path)>? Elements(JsonElement obj, string name)
    {
        string path = "geoDesign." + name;
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            Error(path, $"is {(value.ValueKind == JsonValueKind.Array ? "an empty list" : Show(value))}; give a non-empty list of numbers");
            return null;
        }
        var items = new List<(JsonElement, string)>();
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            items.Add((item, $"{path}[{i++}]"));
        }
        return items;
    }
}
