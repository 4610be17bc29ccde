using System.Globalization;
using System.Text.Json;
using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Tests.Design;

/// <summary>GeoLift's published market-selection walkthrough (tests/data/design/geolift-walkthrough.json), reproduced.</summary>
public sealed class GeoMarketSelectionWalkthroughTests
{
    private static readonly Lazy<JsonElement> Case = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestData.Path("design", "geolift-walkthrough.json"))).RootElement);

    private static readonly Lazy<MarketSelection> Selection = new(() => GeoMarketSelection.Select(DesignPanels.PreTest, Options(seed: 1)));

    public static TheoryData<int> PublishedRows => new(Enumerable.Range(0, Case.Value.GetProperty("rows").GetArrayLength()));

    /// <summary>The walkthrough's options as the data file gives them.</summary>
    internal static GeoDesignOptions Options(int seed)
    {
        var o = Case.Value.GetProperty("options");
        return new GeoDesignOptions
        {
            Sizes = Ints(o.GetProperty("sizes")),
            TreatmentPeriods = Ints(o.GetProperty("treatmentPeriods")),
            EffectSizes = o.GetProperty("effectSizes").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            Include = Strings(o.GetProperty("include")),
            Exclude = Strings(o.GetProperty("exclude")),
            Lookback = o.GetProperty("lookback").GetInt32(),
            Cpic = o.GetProperty("cpic").GetDouble(),
            Budget = o.GetProperty("budget").GetDouble(),
            Alpha = o.GetProperty("alpha").GetDouble(),
            Permutations = o.GetProperty("permutations").GetInt32(),
            Seed = seed,
        };
    }

    [Fact]
    public void Walkthrough_runs_geolifts_number_of_simulations()
    {
        Assert.Equal(Case.Value.GetProperty("simulations").GetInt32(), Selection.Value.Simulations);
        Assert.Equal(33, Selection.Value.Curves.Count);
        Assert.All(Selection.Value.Curves, c => Assert.Contains("chicago", c.Locations));
        Assert.All(Selection.Value.Curves, c => Assert.DoesNotContain("honolulu", c.Locations));
    }

    [Theory]
    [MemberData(nameof(PublishedRows))]
    public void Walkthrough_row_reproduces_published_point_estimates_to_the_printed_digits(int row)
    {
        var published = Case.Value.GetProperty("rows")[row];
        var locations = Strings(published.GetProperty("locations"));
        int duration = published.GetProperty("duration").GetInt32();
        double effect = published.GetProperty("effectSize").GetDouble();
        var curve = Assert.Single(Selection.Value.Curves, c => c.Locations.SequenceEqual(locations));
        var point = Assert.Single(curve.Points, p => p.Duration == duration && p.EffectSize == effect);

        AssertPrinted(published, "avgAtt", point.AvgAtt);
        AssertPrinted(published, "averageMde", point.AvgDetectedLift);
        AssertPrinted(published, "investment", point.Investment);
        AssertPrinted(published, "avgScaledL2Imbalance", point.AvgScaledL2Imbalance);
        AssertPrinted(published, "absLiftInZero", Math.Round(Math.Abs(point.AvgDetectedLift - effect), 3));
        if (published.TryGetProperty("proportionTotalY", out _))
        {
            var candidate = Assert.Single(Selection.Value.Candidates, c => c.Locations.SequenceEqual(locations) && c.Duration == duration);
            AssertPrinted(published, "proportionTotalY", candidate.ProportionTotalY);
            Assert.Equal(1 - candidate.ProportionTotalY, candidate.Holdout, 12);
        }
    }

    /// <summary><paramref name="actual"/> equals the published value to the digits printed (within half a unit of the last one, or the data file's tolerance for the field).</summary>
    private static void AssertPrinted(JsonElement row, string name, double actual)
    {
        if (!row.TryGetProperty(name, out var value))
        {
            return;
        }
        string text = value.GetRawText();
        int decimals = text.Contains('.', StringComparison.Ordinal) ? text.Length - text.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        double expected = double.Parse(text, CultureInfo.InvariantCulture);
        double tolerance = 0.5 * Math.Pow(10, -decimals) * (1 + 1e-9);
        if (Case.Value.GetProperty("tolerances").TryGetProperty(name, out var solverError))
        {
            tolerance = Math.Max(tolerance, solverError.GetDouble());
        }
        Assert.True(Math.Abs(actual - expected) <= tolerance,
            $"{name}: published {text}, computed {actual.ToString("R", CultureInfo.InvariantCulture)}");
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
