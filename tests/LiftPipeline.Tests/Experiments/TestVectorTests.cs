using System.Globalization;
using System.Text.Json;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// Every case of tests/data/experiments/test-vectors.json (gbstats' published cases), run by one theory that dispatches
/// on "kind". Each expected number must be reproduced to the precision it is printed with (half a unit in its last
/// digit); a kind the runner does not know fails.
/// </summary>
public sealed class TestVectorTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonDocument> Vectors = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestData.Path("experiments", "test-vectors.json"))));

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Vectors.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("id").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Test_vector_is_reproduced_to_its_printed_precision(string id)
    {
        var c = Vectors.Value.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        var expected = c.GetProperty("expected");
        var misses = new List<string>();
        var reproduced = new List<string>();
        switch (c.GetProperty("kind").GetString())
        {
            case "ttest":
            case "sequential":
            case "cuped":
                var estimate = Contrast(c);
                Check(misses, reproduced, expected, "effect", estimate.Effect);
                Check(misses, reproduced, expected, "se", estimate.StandardError);
                Check(misses, reproduced, expected, "p", estimate.PValue);
                if (expected.TryGetProperty("ci", out var ci))
                {
                    Check(misses, reproduced, "ci[0]", ci[0], estimate.Lower);
                    Check(misses, reproduced, "ci[1]", ci[1], estimate.Upper);
                }
                break;
            case "theta":
                var units = Paired(Doubles(c.GetProperty("post")), Doubles(c.GetProperty("pre")));
                Check(misses, reproduced, expected, "theta", CupedAdjustment.PooledTheta([units, units]));
                break;
            case "srm":
                var counts = c.GetProperty("counts").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var srm = SampleRatioMismatch.Test(counts, Doubles(c.GetProperty("weights")));
                Check(misses, reproduced, expected, "chi2", srm.ChiSquare);
                Check(misses, reproduced, expected, "p", srm.PValue);
                break;
            case "adjust":
                var p = Doubles(c.GetProperty("p"));
                var adjusted = c.GetProperty("method").GetString() switch
                {
                    "holm" => MultipleTesting.Holm(p),
                    "bh" => MultipleTesting.BenjaminiHochberg(p),
                    var m => throw new InvalidOperationException($"Case {id}: unknown adjustment method '{m}'."),
                };
                var want = expected.GetProperty("adjusted");
                for (int i = 0; i < adjusted.Length; i++)
                {
                    Check(misses, reproduced, $"adjusted[{i}]", want[i], adjusted[i]);
                }
                break;
            case var kind:
                throw new InvalidOperationException($"Case {id}: unknown kind '{kind}'; teach this runner the kind instead of skipping it.");
        }
        output.WriteLine($"{id}: {string.Join(", ", reproduced)}");
        Assert.True(misses.Count == 0, $"Case {id}:\n" + string.Join("\n", misses));
    }

    private static ContrastEstimate Contrast(JsonElement c)
    {
        var options = new ContrastOptions(
            c.GetProperty("alpha").GetDouble(),
            c.GetProperty("scale").GetString() == "relative" ? EffectScale.Relative : EffectScale.Absolute,
            (c.TryGetProperty("alternative", out var alt) ? alt.GetString() : "two-sided") switch
            {
                "greater" => TestAlternative.Greater,
                "less" => TestAlternative.Less,
                _ => TestAlternative.TwoSided,
            });
        bool binomial = c.TryGetProperty("metric", out var metric) && metric.GetString() == "binomial";
        var (a, b) = (c.GetProperty("a"), c.GetProperty("b"));
        switch (c.GetProperty("kind").GetString())
        {
            case "cuped":
                return CupedAdjustment.Estimate(PairedArm(a), PairedArm(b), options);
            case "sequential":
                var (sa, sb) = binomial ? (ArmSummary.OfProportion(Arm(a)), ArmSummary.OfProportion(Arm(b))) : (ArmSummary.OfMean(Arm(a)), ArmSummary.OfMean(Arm(b)));
                return ConfidenceSequence.Estimate(sa, sb, c.GetProperty("tuning_n").GetDouble(), options);
            default:
                return binomial ? WelchContrast.OfProportions(Arm(a), Arm(b), options) : WelchContrast.OfMeans(Arm(a), Arm(b), options);
        }
    }

    private static SampleMoments Arm(JsonElement arm) =>
        arm.TryGetProperty("successes", out var s)
            ? SampleMoments.Proportion(arm.GetProperty("n").GetInt64(), s.GetInt64())
            : new(arm.GetProperty("n").GetInt64(), arm.GetProperty("sum").GetDouble(), arm.GetProperty("sum_sq").GetDouble());

    private static PairedMoments PairedArm(JsonElement arm) => new(
        arm.GetProperty("n").GetInt64(), arm.GetProperty("sum").GetDouble(), arm.GetProperty("sum_sq").GetDouble(),
        arm.GetProperty("x_sum").GetDouble(), arm.GetProperty("x_sum_sq").GetDouble(), arm.GetProperty("xy_sum").GetDouble());

    private static PairedMoments Paired(double[] y, double[] x)
    {
        var m = default(PairedMoments);
        for (int i = 0; i < y.Length; i++)
        {
            m += new PairedMoments(1, y[i], y[i] * y[i], x[i], x[i] * x[i], x[i] * y[i]);
        }
        return m;
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static void Check(List<string> misses, List<string> reproduced, JsonElement expected, string name, double actual)
    {
        if (expected.TryGetProperty(name, out var value))
        {
            Check(misses, reproduced, name, value, actual);
        }
    }

    /// <summary>Compares with the printed value: null means an unbounded end (±∞); otherwise within half a unit in its last printed digit.</summary>
    private static void Check(List<string> misses, List<string> reproduced, string name, JsonElement expected, double actual)
    {
        reproduced.Add($"{name} = {actual:G10} (expected {expected.GetRawText()})");
        if (expected.ValueKind == JsonValueKind.Null)
        {
            if (!double.IsInfinity(actual))
            {
                misses.Add($"{name}: expected unbounded (null), got {actual:R}");
            }
            return;
        }
        string text = expected.GetRawText();
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        int decimals = dot < 0 ? 0 : text.Length - dot - 1;
        double want = double.Parse(text, CultureInfo.InvariantCulture);
        double tolerance = 0.5 * Math.Pow(10, -decimals) + 1e-12;
        if (!(Math.Abs(actual - want) <= tolerance))
        {
            misses.Add($"{name}: expected {text} (±{tolerance:G2}), got {actual:R}");
        }
    }
}
