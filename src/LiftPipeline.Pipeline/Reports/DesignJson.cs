using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The writer of design.json (schema version <see cref="SchemaVersion"/>, docs/design.md): <c>schemaVersion</c>,
/// <c>design</c> ("geo"), <c>campaign</c>, <c>generatedAt</c>, <c>inputsHash</c>, <c>dataset</c>, <c>options</c>,
/// <c>resolved</c> (the sizes and durations simulated), <c>simulations</c>, <c>cells</c> (null for one cell),
/// <c>candidates</c> (ranked, per cell) and <c>curves</c> (every candidate's power curve with its calibration). Fixed
/// property order, non-finite numbers as null, '\n' line ends: the same report gives byte-identical output. Thread-safe.
/// </summary>
public static class DesignJson
{
    /// <summary>Version of the design.json schema; bumped on any breaking change (and so part of <see cref="InputsHash"/>).</summary>
    public const int SchemaVersion = 1;

    /// <summary>
    /// The hash a design is named by: SHA-256 of the schema version, the dataset object (itself content-addressed), the
    /// metric, the options' JSON and the engine version (<see cref="Runs.EngineVersion"/>), as 32 hex digits. The same history,
    /// settings and code give the same hash, so the design is not redone; a changed export (a new dataset object), a changed
    /// <c>geoDesign</c> or a deployment that changes the engine gives a new one.
    /// </summary>
    public static string InputsHash(string dataset, string metric, GeoDesignOptions options, string engineVersion)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(engineVersion);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteOptions(w, metric, options);
        }
        var text = $"{SchemaVersion}\n{dataset}\n{metric}\n{Encoding.UTF8.GetString(buffer.ToArray())}\n{engineVersion}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    /// <summary>Writes <paramref name="report"/> as UTF-8 JSON to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(DesignReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream, ReportJson.Options);
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", SchemaVersion);
        w.WriteString("design", "geo");
        w.WriteString("campaign", report.Campaign);
        w.WriteString("generatedAt", StoredJson.FormatTime(report.GeneratedAt));
        w.WriteString("inputsHash", report.InputsHash);
        WriteDataset(w, report.Dataset);
        w.WritePropertyName("options");
        WriteOptions(w, report.Dataset.Metric, report.Options);
        if (report.LiveExclusions.Count > 0)
        {
            w.WriteStartArray("liveExclusions");
            foreach (var x in report.LiveExclusions)
            {
                w.WriteStartObject();
                w.WriteString("market", x.Market);
                w.WriteString("campaign", x.Campaign);
                w.WriteString("role", x.Role);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        WriteResolved(w, report);
        w.WriteNumber("simulations", report.Simulations);
        WriteCells(w, report);
        w.WriteStartArray("candidates");
        for (int c = 0; c < report.Cells.Count; c++)
        {
            foreach (var candidate in report.Cells[c].Selection.Candidates)
            {
                WriteCandidate(w, candidate, report.IsMultiCell ? c + 1 : null, report.Options.TestAlpha);
            }
        }
        w.WriteEndArray();
        w.WriteStartArray("curves");
        for (int c = 0; c < report.Cells.Count; c++)
        {
            foreach (var curve in report.Cells[c].Selection.Curves)
            {
                WriteCurve(w, curve, report.IsMultiCell ? c + 1 : null);
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The JSON of <paramref name="report"/> as a string.</summary>
    public static string ToJson(DesignReport report)
    {
        using var buffer = new MemoryStream();
        Write(report, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// One candidate as <c>lift design --json</c> and design.json write it: <c>cell</c> (1-based, only in a multi-cell design), the
    /// contract fields, and <c>notCalibrated</c> (false-positive rate over <see cref="DesignTrust.CalibrationTolerance"/> × alpha).
    /// Non-finite numbers are null.
    /// </summary>
    public static void WriteCandidate(Utf8JsonWriter w, MarketCandidate c, int? cell, double alpha)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(c);
        w.WriteStartObject();
        if (cell is { } number)
        {
            w.WriteNumber("cell", number);
        }
        w.WriteNumber("rank", c.Rank);
        w.WriteStrings("locations", c.Locations);
        w.WriteNumber("duration", c.Duration);
        w.WriteFinite("effectSize", c.EffectSize);
        w.WriteFinite("power", c.Power);
        w.WriteFinite("avgScaledL2Imbalance", c.AvgScaledL2Imbalance);
        w.WriteFinite("investment", c.Investment);
        w.WriteFinite("avgAtt", c.AvgAtt);
        w.WriteFinite("averageMde", c.AverageMde);
        w.WriteFinite("proportionTotalY", c.ProportionTotalY);
        w.WriteFinite("absLiftInZero", c.AbsLiftInZero);
        w.WriteFinite("holdout", c.Holdout);
        w.WriteFinite("correlation", c.Correlation);
        w.WriteFinite("falsePositiveRate", c.FalsePositiveRate);
        w.WriteBoolean("notCalibrated", !DesignTrust.IsCalibrated(c.FalsePositiveRate, alpha));
        w.WriteEndObject();
    }

    /// <summary>One point of a power curve: duration, effect size, power, avgAtt, avgDetectedLift, avgScaledL2Imbalance, investment, windows.</summary>
    public static void WritePoint(Utf8JsonWriter w, GeoPowerPoint p)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(p);
        w.WriteStartObject();
        w.WriteNumber("duration", p.Duration);
        w.WriteFinite("effectSize", p.EffectSize);
        w.WriteFinite("power", p.Power);
        w.WriteFinite("avgAtt", p.AvgAtt);
        w.WriteFinite("avgDetectedLift", p.AvgDetectedLift);
        w.WriteFinite("avgScaledL2Imbalance", p.AvgScaledL2Imbalance);
        w.WriteFinite("investment", p.Investment);
        w.WriteNumber("windows", p.Windows);
        w.WriteEndObject();
    }

    /// <summary>One duration's calibration: duration, falsePositiveRate, windows.</summary>
    public static void WriteCalibration(Utf8JsonWriter w, GeoCalibration k)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(k);
        w.WriteStartObject();
        w.WriteNumber("duration", k.Duration);
        w.WriteFinite("falsePositiveRate", k.FalsePositiveRate);
        w.WriteNumber("windows", k.Windows);
        w.WriteEndObject();
    }

    private static void WriteCurve(Utf8JsonWriter w, GeoPowerCurve curve, int? cell)
    {
        w.WriteStartObject();
        WriteCell(w, cell);
        w.WriteStrings("locations", curve.Locations);
        w.WriteNumber("simulations", curve.Simulations);
        w.WriteStartArray("points");
        foreach (var p in curve.Points)
        {
            WritePoint(w, p);
        }
        w.WriteEndArray();
        w.WriteStartArray("calibration");
        foreach (var k in curve.Calibration)
        {
            WriteCalibration(w, k);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCell(Utf8JsonWriter w, int? cell)
    {
        if (cell is { } number)
        {
            w.WriteNumber("cell", number);
        }
        else
        {
            w.WriteNull("cell");
        }
    }

    private static void WriteDataset(Utf8JsonWriter w, DesignDataset d)
    {
        w.WriteStartObject("dataset");
        w.WriteString("object", d.Object);
        w.WriteString("metric", d.Metric);
        w.WriteNumber("units", d.Units);
        w.WriteNumber("periods", d.Periods);
        w.WriteString("firstPeriod", d.FirstPeriod);
        w.WriteString("lastPeriod", d.LastPeriod);
        w.WriteEndObject();
    }

    /// <summary>The options as the campaign's <c>geoDesign</c> names them; null sizes or durations mean the engine's defaults.</summary>
    internal static void WriteOptions(Utf8JsonWriter w, string metric, GeoDesignOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        w.WriteStartObject();
        w.WriteString("metric", metric);
        WriteIntsOrNull(w, "sizes", o.Sizes);
        WriteIntsOrNull(w, "treatmentPeriods", o.TreatmentPeriods);
        w.WriteNumbers("effectSizes", o.EffectSizes);
        w.WriteStrings("include", o.Include);
        w.WriteStrings("exclude", o.Exclude);
        if (o.Controls is { } controls)
        {
            w.WriteStrings("controls", controls);
        }
        else
        {
            w.WriteNull("controls");
        }
        w.WriteFinite("cpic", o.Cpic);
        w.WriteFinite("budget", o.Budget);
        w.WriteFinite("alpha", o.Alpha);
        w.WriteBoolean("fixedHorizon", !o.AlwaysValid);
        w.WriteFinite("testAlpha", o.TestAlpha);
        w.WriteFinite("power", o.Power);
        w.WriteNumber("lookback", o.Lookback);
        w.WriteNumber("calibrationWindows", o.CalibrationWindows);
        w.WriteString("estimator", o.Estimator);
        w.WriteNumber("permutations", o.Permutations);
        w.WriteString("permutation", PermutationName(o.Permutation));
        w.WriteNumber("seed", o.Seed);
        w.WriteString("side", o.Side == TestSide.OneSided ? "one-sided" : "two-sided");
        w.WriteString("ranking", o.Ranking == DesignRanking.GeoLift ? "geolift" : "mde");
        if (o.HoldoutRange is { } range)
        {
            w.WriteNumbers("holdout", [range.Min, range.Max]);
        }
        else
        {
            w.WriteNull("holdout");
        }
        w.WriteNumber("cells", o.Cells);
        w.WriteEndObject();
    }

    /// <summary>The campaign.json name of a permutation scheme: <c>iid</c> or <c>block</c>.</summary>
    public static string PermutationName(ConformalPermutation permutation) => permutation == ConformalPermutation.MovingBlock ? "block" : "iid";

    /// <summary>The sizes and durations the curves hold (the engine's defaults filled in).</summary>
    private static void WriteResolved(Utf8JsonWriter w, DesignReport report)
    {
        var curves = report.Cells.SelectMany(c => c.Selection.Curves).ToArray();
        w.WriteStartObject("resolved");
        WriteIntsOrNull(w, "sizes", curves.Select(c => c.Locations.Count).Distinct().Order().ToArray());
        WriteIntsOrNull(w, "treatmentPeriods", curves.SelectMany(c => c.Points).Select(p => p.Duration).Distinct().Order().ToArray());
        w.WriteEndObject();
    }

    private static void WriteCells(Utf8JsonWriter w, DesignReport report)
    {
        if (!report.IsMultiCell)
        {
            w.WriteNull("cells");
            return;
        }
        w.WriteStartArray("cells");
        foreach (var cell in report.Cells)
        {
            w.WriteStartArray();
            foreach (var market in cell.Markets ?? [])
            {
                w.WriteStringValue(market);
            }
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static void WriteIntsOrNull(Utf8JsonWriter w, string name, IReadOnlyList<int>? values)
    {
        if (values is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }
        w.WriteEndArray();
    }
}
