using System.Text.Json;
using LiftPipeline.Pipeline.Audiences;
using LiftPipeline.Statistics.Audiences.Validation;

namespace LiftPipeline.Tests.Audiences;

/// <summary>Random reports: what the JSON releases has no small count and no withheld count it would give back.</summary>
public sealed partial class AudienceReleasePolicyTests
{
    private const long Minimum = 50;

    [Fact]
    public void Across_random_reports_no_released_count_is_small_and_no_withheld_count_can_be_recomputed()
    {
        var random = new Random(20261205);
        int withheld = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            var report = RandomReport(random);
            var released = new AudienceReleasePolicy(Minimum).Release(report);
            withheld += released.Suppression is null ? 0 : 1;
            using var doc = JsonDocument.Parse(AudienceValidationJson.ToJson(released));
            var root = doc.RootElement;
            long? customers = Count(root.GetProperty("customers"));
            var segments = root.GetProperty("segments");
            CheckTotalOf(Dimension(segments, "populationCount", "country"), customers, report.Customers, trial);
            CheckTotalOf(Dimension(segments, "populationCount", "age_band"), customers, report.Customers, trial);
            foreach (var (segment, json) in report.Segments.Zip(segments.EnumerateArray()))
            {
                if (json.TryGetProperty("suppressed", out _))
                {
                    Assert.True(segment.Members is > 0 and < Minimum, $"trial {trial}: {segment.Segment} withheld with {segment.Members} members");
                    continue;
                }
                long members = json.GetProperty("members").GetInt64();
                Released(members, trial);
                long? found = Count(json.GetProperty("inCustomers"));
                if (found is { } f)
                {
                    Released(members - f, trial);   // the members not found, members − found
                }
                CheckTotalOf(Groups(json, "segmentCount", "country"), found, segment.InCustomers, trial);
                CheckTotalOf(Groups(json, "segmentCount", "age_band"), found, segment.InCustomers, trial);
                if (json.GetProperty("stability") is { ValueKind: JsonValueKind.Object } st)
                {
                    CheckSets(members, Count(st.GetProperty("previous")), Count(st.GetProperty("retained")), Count(st.GetProperty("churnIn")),
                        Count(st.GetProperty("churnOut")), st.GetProperty("jaccard"), trial);
                }
                CheckBalance(json.GetProperty("balance"), false, null, trial);
            }
            // The summary prints all assigned customers' total beside their arms unless it is withheld.
            CheckBalance(root.GetProperty("balance"), true, released.Suppression?.ArmTotals.Contains("") == true ? null : report.Balance!.Counts.Sum(), trial);
            foreach (var (overlap, json) in report.Overlaps.Zip(root.GetProperty("overlaps").EnumerateArray()))
            {
                if (Count(json.GetProperty("shared")) is { } shared)
                {
                    // With both sizes released, the shared count gives both differences.
                    Released(shared, trial);
                    Released(overlap.FirstSize - shared, trial);
                    Released(overlap.SecondSize - shared, trial);
                }
                else
                {
                    Assert.Equal(JsonValueKind.Null, json.GetProperty("jaccard").ValueKind);
                }
            }
        }
        Assert.InRange(withheld, 300, 400);   // the random reports do exercise the suppression
    }

    /// <summary>Cells that add up to a total: every released one is 0 or large, and no hidden one is alone among cells and total.</summary>
    private static void CheckTotalOf(long?[] cells, long? total, long trueTotal, int trial)
    {
        int hidden = total is null ? 1 : 0;
        foreach (var c in cells)
        {
            if (c is { } n)
            {
                Released(n, trial);
            }
            else
            {
                hidden++;
            }
        }
        Assert.True(hidden != 1, $"trial {trial}: one hidden cell among [{string.Join(", ", cells)}] of total {total?.ToString() ?? "hidden"} ({trueTotal}) can be recomputed");
        if (total is { } t)
        {
            Released(t, trial);
        }
    }

    /// <summary>|A|, |B| released; |A ∩ B|, |A \ B|, |B \ A| all released (0 or large) or all withheld with the Jaccard.</summary>
    private static void CheckSets(long current, long? previous, long? retained, long? churnIn, long? churnOut, JsonElement jaccard, int trial)
    {
        if (retained is null)
        {
            Assert.True(churnIn is null && churnOut is null && jaccard.ValueKind == JsonValueKind.Null, $"trial {trial}: churn released beside a withheld retained count");
            return;
        }
        Assert.True(churnIn is not null && churnOut is not null, $"trial {trial}: churn withheld beside a released retained count");
        Released(retained.Value, trial);
        Released(churnIn!.Value, trial);
        Released(churnOut!.Value, trial);
        Assert.Equal(current, retained + churnIn);
        if (previous is { } p)
        {
            Released(p, trial);
        }
    }

    private static void CheckBalance(JsonElement balance, bool totalPublished, long? total, int trial)
    {
        if (balance.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        var arms = balance.GetProperty("arms").EnumerateArray().Select(a => Count(a.GetProperty("n"))).ToArray();
        if (totalPublished)
        {
            CheckTotalOf(arms, total, total ?? 0, trial);
        }
        else
        {
            Assert.All(arms, a => Released(a ?? 0, trial));   // a segment's assigned total is not released: any pattern hides
        }
        bool any = arms.Any(a => a is null);
        Assert.True(!any || (balance.GetProperty("sampleRatio").ValueKind == JsonValueKind.Null && balance.GetProperty("maxAbsD").ValueKind == JsonValueKind.Null),
            $"trial {trial}: a test on withheld arm counts is released");
        foreach (var d in balance.GetProperty("differences").EnumerateArray())
        {
            if (Count(d.GetProperty("armN")) is { } n)
            {
                Released(n, trial);
                Released(Count(d.GetProperty("holdoutN"))!.Value, trial);
            }
        }
    }

    private static void Released(long count, int trial) => Assert.True(count == 0 || count >= Minimum, $"trial {trial}: a released count of {count}");

    private static long? Count(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetInt64();

    private static long?[] Groups(JsonElement segment, string field, string dimension) =>
        [.. segment.GetProperty("composition").EnumerateArray().Where(g => g.GetProperty("dimension").GetString() == dimension).Select(g => Count(g.GetProperty(field)))];

    /// <summary>The population counts as the first released segment gives them (every segment repeats them).</summary>
    private static long?[] Dimension(JsonElement segments, string field, string dimension) =>
        segments.EnumerateArray().FirstOrDefault(s => !s.TryGetProperty("suppressed", out _)) is { ValueKind: JsonValueKind.Object } s ? Groups(s, field, dimension) : [];

    private static AudienceValidationReport RandomReport(Random random)
    {
        long[] population = [Small(random), Big(random), Big(random), Small(random)], ages = [Big(random), Small(random), Big(random)];
        long customers = population.Sum();
        ages[2] = Math.Max(0, customers - ages[0] - ages[1]);
        ages[0] = customers - ages[1] - ages[2];
        int count = random.Next(1, 5);
        var segments = new List<SegmentValidation>();
        var keys = new List<(string, long)>();
        for (int s = 0; s < count; s++)
        {
            long[] countries = [.. population.Select(p => Math.Min(p, random.Next(4) == 0 ? random.Next(0, 60) : random.Next(0, 400)))];
            long found = countries.Sum();
            long[] bands = Split(random, found, 3);
            long members = found + (random.Next(3) == 0 ? random.Next(0, 80) : 0);
            var stability = random.Next(2) == 0 ? null : Stability(random, members);
            long[] arms = Split(random, found, random.Next(2, 4));
            var composition = Composition4(population, ages, countries, bands);
            segments.Add(new SegmentValidation($"s{s}", members, found, stability, arms.Length == 3 ? Balance(arms) : Balance(arms), composition));
            keys.Add(($"s{s}", members));
        }
        var overlaps = new List<SegmentOverlap>();
        for (int a = 0; a < keys.Count; a++)
        {
            for (int b = a + 1; b < keys.Count; b++)
            {
                long most = Math.Min(keys[a].Item2, keys[b].Item2);
                overlaps.Add(new SegmentOverlap(keys[a].Item1, keys[b].Item1, keys[a].Item2, keys[b].Item2, random.NextInt64(0, most + 1)));
            }
        }
        var options = new AudienceValidationOptions { Surfaces = [ActivationSurface.Meta] };
        var all = Balance(Split(random, customers, 2));
        return new AudienceValidationReport("random", null, null, customers, options, segments, all, overlaps, AudienceValidationChecks.Of(segments, all, null, options));
    }

    private static GroupComposition[] Composition4(long[] population, long[] ages, long[] countries, long[] bands) =>
        [.. GroupComposition.Of("country", ["(null)", "DE", "FR", "NL"], population, countries), .. GroupComposition.Of("age_band", ["18-24", "25-34", "35+"], ages, bands)];

    private static SegmentStability Stability(Random random, long current)
    {
        long retained = random.NextInt64(Math.Max(0, current - 120), current + 1);
        return new SegmentStability(current, retained + (random.Next(2) == 0 ? random.Next(0, 60) : random.Next(0, 300)), retained);
    }

    private static long[] Split(Random random, long total, int parts)
    {
        var cells = new long[parts];
        long left = total;
        for (int p = 0; p < parts - 1; p++)
        {
            cells[p] = random.Next(3) == 0 ? Math.Min(left, random.Next(0, 60)) : random.NextInt64(0, left + 1);
            left -= cells[p];
        }
        cells[parts - 1] = left;
        return cells;
    }

    private static long Small(Random random) => random.Next(0, 70);

    private static long Big(Random random) => random.Next(0, 2_000);
}
