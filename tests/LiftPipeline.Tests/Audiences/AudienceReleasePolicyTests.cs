using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LiftPipeline.Pipeline.Audiences;
using LiftPipeline.Statistics.Audiences.Validation;
using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// The audience validation report as released: small segments, groups, arms, churn and overlaps are withheld with their
/// complements, none of their numbers reaches the JSON or Markdown, and a report of large counts is left as it was.
/// </summary>
public sealed partial class AudienceReleasePolicyTests
{
    private static readonly string[] Countries = ["(null)", "DE", "FR", "NL"];
    private static readonly string[] Ages = ["18-24", "25-34"];

    /// <summary>A report of segment 'big' (1,000 members: NL 31, FR 73, holdout 41, 23 joined, 36 left) and 'tiny' (37 members).</summary>
    private static AudienceValidationReport Constructed()
    {
        long[] countries = [0, 16_000, 3_000, 1_000], ages = [12_000, 8_000];
        var big = new SegmentValidation("big", 1_000, 1_000, new SegmentStability(1_000, 1_013, 977),
            Balance([41, 959]), Composition(countries, ages, [0, 896, 73, 31], [500, 500]));
        var tiny = new SegmentValidation("tiny", 37, 37, new SegmentStability(37, 44, 35), Balance([12, 25]), Composition(countries, ages, [0, 37, 0, 0], [37, 0]));
        var options = new AudienceValidationOptions { Surfaces = [ActivationSurface.Meta] };
        var overlaps = new[] { new SegmentOverlap("big", "tiny", 1_000, 37, 29) };
        var all = Balance([2_000, 18_000]);
        var previous = new LiftPipeline.Ingestion.Audiences.SegmentMembers(null, null, ["big", "tiny"], [new ulong[1_013], new ulong[44]], 1_057);
        var checks = AudienceValidationChecks.Of([big, tiny], all, previous, options);
        return new AudienceValidationReport("spring", new DateOnly(2026, 11, 30), new DateOnly(2026, 10, 31), 20_000, options, [big, tiny], all, overlaps, checks);
    }

    private static GroupComposition[] Composition(long[] countries, long[] ages, long[] segmentCountries, long[] segmentAges) =>
        [.. GroupComposition.Of("country", Countries, countries, segmentCountries), .. GroupComposition.Of("age_band", Ages, ages, segmentAges)];

    private static HoldoutBalance Balance(long[] counts)
    {
        string[] arms = counts.Length == 2 ? ["holdout", "vbo"] : ["holdout", "vbo", "vbo_1p"];
        double[] plan = counts.Length == 2 ? [0.1, 0.9] : [0.1, 0.45, 0.45];
        var differences = new List<StandardisedMeanDifference>();
        for (int a = 1; a < arms.Length; a++)
        {
            differences.Add(new("orders", arms[a], counts[a], 3.25, 1.5, counts[0], 3.125, 1.5, 0.0833));
        }
        return new HoldoutBalance(arms, 0, counts, plan, SampleRatioMismatch.Test(counts, plan), differences);
    }

    [Fact]
    public void A_small_segment_and_a_small_group_are_withheld_with_their_complements()
    {
        var released = new AudienceReleasePolicy().Release(Constructed());

        var s = released.Suppression!;
        Assert.Equal(50, s.MinimumCustomers);
        Assert.Equal(["tiny"], s.Segments);
        // NL (31) is small; FR (73) is the cheapest cell that keeps it from being 1,000 − 896 − 73; DE and the ages stay.
        Assert.Equal([("big", "country", "FR"), ("big", "country", "NL")], s.Composition.Order());
        Assert.Empty(s.Population);
        Assert.False(s.Customers);
        // The holdout (41) is small and the arms add up to the segment's assigned customers, so vbo goes with it.
        Assert.Equal([("big", "holdout"), ("big", "vbo")], s.Arms.Order());
        Assert.Empty(s.ArmTotals);
        Assert.Equal([("big", "vbo", "orders")], s.Differences);
        Assert.Equal(["big"], s.Stability);   // 23 joined and 36 left: kept, joined and left all go
        Assert.Empty(s.Previous);
        Assert.Equal([("big", "tiny")], s.Overlaps);
        Assert.Empty(s.InCustomers);
        var tinySize = released.Checks.Single(c => c.Check == "size-meta" && c.Segment == "tiny");
        Assert.Equal((GuardrailStatus.Breach, "size-meta breach: segment 'tiny'; numbers withheld (a count under 50 customers)"), (tinySize.Status, tinySize.Message));
        Assert.Empty(tinySize.Evidence);
        Assert.Equal("size-meta pass: segment 'big' has 1,000 members (minimum 100)", released.Checks.Single(c => c.Check == "size-meta" && c.Segment == "big").Message);
        Assert.Equal(released.Checks.Select(c => (c.Check, c.Segment, c.Status)), Constructed().Checks.Select(c => (c.Check, c.Segment, c.Status)));
        Assert.Contains("sample-ratio breach: segment 'big'; numbers withheld", released.Checks.Single(c => c.Check == "sample-ratio" && c.Segment == "big").Message, StringComparison.Ordinal);
        var everyone = Constructed().Checks.Single(c => c.Check == "sample-ratio" && c.Segment is null);
        var kept = released.Checks.Single(c => c.Check == "sample-ratio" && c.Segment is null);
        Assert.Equal(everyone.Message, kept.Message);
        Assert.Equal(everyone.Evidence.OrderBy(e => e.Key), kept.Evidence.OrderBy(e => e.Key));
        Assert.StartsWith("sample-ratio pass: all assigned customers, holdout 2,000 (plan 10.0 %)", kept.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_withheld_number_reaches_the_json_or_the_markdown()
    {
        var released = new AudienceReleasePolicy().Release(Constructed());
        string json = AudienceValidationJson.ToJson(released);
        string markdown = AudienceValidationText.ToMarkdown(released) + AudienceValidationText.Summary(released);

        // Members of tiny and its groups and arms, NL, FR, the holdout and vbo of big, kept, joined, left, shared; their shares.
        long[] withheld = [37, 35, 44, 12, 25, 31, 73, 41, 959, 977, 23, 36, 29];
        var numbers = Numbers(JsonDocument.Parse(json).RootElement).ToArray();
        Assert.DoesNotContain(numbers, n => withheld.Contains((long)n) && n == Math.Floor(n));
        Assert.DoesNotContain(numbers, n => Math.Abs(n - 0.031) < 1e-12 || Math.Abs(n - 0.073) < 1e-12 || Math.Abs(n - 0.023) < 1e-12);
        foreach (long n in withheld)
        {
            Assert.DoesNotMatch(new Regex($@"(?<![\d.,-]){n}(?![\d,-])"), markdown);
        }
        foreach (string share in (string[])["3.1 %", "7.3 %", "2.3 %", "3.6 %", "0.945"])
        {
            Assert.DoesNotContain(share, markdown, StringComparison.Ordinal);
        }
        // What stays: big's size and DE, the report's customers, everyone's balance.
        Assert.Contains("| big | country | DE | 16,000 | 80.0 % | 896 | 89.6 % |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("| big | country | NL | 1,000 | 5.0 % | suppressed | suppressed |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("| big | tiny | suppressed | suppressed | suppressed | suppressed |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("| tiny | country |", markdown, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(50, doc.RootElement.GetProperty("suppressedBelow").GetInt64());
        var tiny = doc.RootElement.GetProperty("segments")[1];
        Assert.True(tiny.GetProperty("suppressed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, tiny.GetProperty("members").ValueKind);
        Assert.Equal(0, tiny.GetProperty("composition").GetArrayLength());
        var stability = doc.RootElement.GetProperty("segments")[0].GetProperty("stability");
        Assert.Equal((1_000, 1_013), (stability.GetProperty("current").GetInt64(), stability.GetProperty("previous").GetInt64()));
        Assert.Equal(JsonValueKind.Null, stability.GetProperty("jaccard").ValueKind);
        Assert.Equal(20_000, doc.RootElement.GetProperty("customers").GetInt64());
    }

    [Fact]
    public void A_report_of_large_counts_is_released_as_it_is()
    {
        var report = Constructed() is var r ? r with
        {
            Segments = [r.Segments[0] with { Stability = new SegmentStability(1_000, 1_100, 900), Balance = Balance([100, 900]), Composition = Composition([0, 16_000, 3_000, 1_000], [12_000, 8_000], [0, 827, 73, 100], [500, 500]) }],
            Overlaps = [],
        } : null!;
        string before = AudienceValidationJson.ToJson(report) + AudienceValidationText.ToMarkdown(report);

        var released = new AudienceReleasePolicy().Release(report);

        Assert.Same(report, released);
        Assert.Null(released.Suppression);
        Assert.Equal(before, AudienceValidationJson.ToJson(released) + AudienceValidationText.ToMarkdown(released));
    }

    [Fact]
    public void A_minimum_of_one_releases_everything_and_one_below_is_refused()
    {
        var report = Constructed();

        Assert.Same(report, new AudienceReleasePolicy(1).Release(report));
        Assert.Equal(["tiny"], new AudienceReleasePolicy(3).Release(report).Suppression!.Stability);   // tiny: 2 joined
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudienceReleasePolicy(0).Release(Constructed()));
    }

    [Fact]
    public void Members_missing_from_the_export_in_a_small_number_withhold_the_count_found_in_it()
    {
        var report = Constructed();
        SegmentValidation[] segments = [report.Segments[0] with { Members = 1_020 }];
        report = report with { Segments = segments, Overlaps = [], Checks = AudienceValidationChecks.Of(segments, report.Balance, null, report.Options) };

        var released = new AudienceReleasePolicy().Release(report);

        // 1,020 members, 1,000 found: the 20 missing would be 1,020 − 1,000, so the 1,000 is withheld. Then NL (31) and the
        // total are on one cycle and FR is released; the ages (500, 500) would give the total, so one of them goes.
        Assert.Equal(["big"], released.Suppression!.InCustomers);
        Assert.Equal([("big", "age_band", "18-24"), ("big", "country", "NL")], released.Suppression.Composition.Order());
        Assert.Contains("| big | 1,020 | suppressed | ok |", AudienceValidationText.ToMarkdown(released), StringComparison.Ordinal);
        var coverage = released.Checks.Single(c => c.Check == "coverage");
        Assert.Equal("coverage warn: segment 'big'; numbers withheld (a count under 50 customers)", coverage.Message);
    }

    private static IEnumerable<double> Numbers(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                yield return e.GetDouble();
                break;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    foreach (double n in Numbers(p.Value))
                    {
                        yield return n;
                    }
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    foreach (double n in Numbers(item))
                    {
                        yield return n;
                    }
                }
                break;
        }
    }
}
