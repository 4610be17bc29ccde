namespace LiftPipeline.Statistics.Design;

/// <summary>
/// GeoLift's market-selection table from the power curves: per candidate and duration the MDE (the smallest positive
/// effect whose power exceeds the target, or the largest negative one when its |·| is smaller; rows whose MDE would be
/// 0 dropped), its columns, the budget and holdout filters, and the ranking.
/// </summary>
internal static class MarketSelectionTable
{
    public static MarketCandidate[] Rank(GeoDesignPanel data, IReadOnlyList<int[]> candidates, IReadOnlyList<GeoPowerCurve> curves, GeoDesignOptions options)
    {
        var totals = new double[data.N];
        double grand = 0;
        for (int i = 0; i < data.N; i++)
        {
            foreach (double v in data.Row(i))
            {
                totals[i] += v;
            }
            grand += totals[i];
        }
        var rows = new List<MarketCandidate>();
        for (int c = 0; c < candidates.Count; c++)
        {
            double share = 0;
            foreach (int i in candidates[c])
            {
                share += totals[i] / grand;
            }
            double correlation = TotalCorrelation(data, candidates[c]);
            foreach (var group in curves[c].Points.GroupBy(p => p.Duration))
            {
                var mde = Mde(group, options.Power);
                if (mde is null)
                {
                    continue;
                }
                double? falsePositives = curves[c].Calibration.FirstOrDefault(k => k.Duration == group.Key)?.FalsePositiveRate;
                rows.Add(new MarketCandidate(
                    0, curves[c].Locations, group.Key, mde.EffectSize, mde.Power, mde.AvgScaledL2Imbalance, mde.Investment, mde.AvgAtt,
                    mde.AvgDetectedLift, share, Math.Round(Math.Abs(mde.AvgDetectedLift - mde.EffectSize), 3, MidpointRounding.ToEven),
                    mde.EffectSize < 0 ? share : 1 - share, correlation, falsePositives));
            }
        }
        return options.Ranking == DesignRanking.GeoLift ? RankGeoLift(rows, options) : RankByMde(rows, options);
    }

    /// <summary>GeoLift's MDE of one duration's curve, or null when no non-zero effect size has power above <paramref name="power"/>.</summary>
    internal static GeoPowerPoint? Mde(IEnumerable<GeoPowerPoint> points, double power)
    {
        GeoPowerPoint? positive = null, negative = null;
        foreach (var p in points)
        {
            if (p.Power <= power || p.EffectSize == 0)
            {
                continue;
            }
            if (p.EffectSize > 0 && (positive is null || p.EffectSize < positive.EffectSize))
            {
                positive = p;
            }
            if (p.EffectSize < 0 && (negative is null || p.EffectSize > negative.EffectSize))
            {
                negative = p;
            }
        }
        return negative is not null && (positive is null || positive.EffectSize > -negative.EffectSize) ? negative : positive;
    }

    /// <summary>
    /// The default: trusted designs (<see cref="DesignTrust"/>) first, then |MDE|, |investment|, scaled L2 imbalance, and
    /// duration and locations; equal keys share a rank.
    /// </summary>
    private static MarketCandidate[] RankByMde(List<MarketCandidate> rows, GeoDesignOptions options)
    {
        var kept = Filter(rows, options)
            .OrderBy(r => DesignTrust.IsTrusted(r, options.TestAlpha) ? 0 : 1).ThenBy(r => Math.Abs(r.EffectSize)).ThenBy(r => Math.Abs(r.Investment)).ThenBy(r => r.AvgScaledL2Imbalance)
            .ThenBy(r => string.Join(", ", r.Locations), StringComparer.Ordinal).ThenBy(r => r.Duration)
            .ToList();
        var ranked = new MarketCandidate[kept.Count];
        for (int k = 0; k < kept.Count; k++)
        {
            var r = kept[k];
            bool tie = k > 0 && DesignTrust.IsTrusted(r, options.TestAlpha) == DesignTrust.IsTrusted(kept[k - 1], options.TestAlpha) && Math.Abs(r.EffectSize) == Math.Abs(kept[k - 1].EffectSize) && Math.Abs(r.Investment) == Math.Abs(kept[k - 1].Investment)
                && r.AvgScaledL2Imbalance == kept[k - 1].AvgScaledL2Imbalance;
            ranked[k] = r with { Rank = tie ? ranked[k - 1].Rank : k + 1 };
        }
        return ranked;
    }

    /// <summary>
    /// GeoLift's: the mean of the dense ranks of |MDE|, power (ascending, a quirk kept for parity) and |detected lift − MDE|
    /// over all rows, ranked with ties at the minimum, then re-ranked the same way after each filter.
    /// </summary>
    private static MarketCandidate[] RankGeoLift(List<MarketCandidate> rows, GeoDesignOptions options)
    {
        var mde = DenseRanks(rows.Select(r => Math.Abs(r.EffectSize)).ToArray());
        var power = DenseRanks(rows.Select(r => r.Power).ToArray());
        var zero = DenseRanks(rows.Select(r => r.AbsLiftInZero).ToArray());
        var score = rows.Select((_, k) => (mde[k] + power[k] + zero[k]) / 3.0).ToArray();
        var rank = MinRanks(score);
        var ranked = rows.Select((r, k) => r with { Rank = rank[k] }).ToList();
        if (options.Budget is not null)
        {
            ranked = ReRank(ranked.Where(r => WithinBudget(r, options)).ToList());
        }
        if (options.HoldoutRange is not null)
        {
            ranked = ReRank(ranked.Where(r => WithinHoldout(r, options)).ToList());
        }
        return [.. ranked.OrderBy(r => r.Rank).ThenBy(r => string.Join(", ", r.Locations), StringComparer.Ordinal).ThenBy(r => r.Duration)];
    }

    private static IEnumerable<MarketCandidate> Filter(List<MarketCandidate> rows, GeoDesignOptions options) =>
        rows.Where(r => WithinBudget(r, options) && WithinHoldout(r, options));

    private static bool WithinBudget(MarketCandidate r, GeoDesignOptions options) =>
        options.Budget is not { } budget || Math.Abs(r.Investment) < Math.Abs(budget);

    private static bool WithinHoldout(MarketCandidate r, GeoDesignOptions options) =>
        options.HoldoutRange is not { } range || (r.Holdout >= range.Min && r.Holdout <= range.Max);

    private static List<MarketCandidate> ReRank(List<MarketCandidate> rows)
    {
        var rank = MinRanks(rows.Select(r => (double)r.Rank).ToArray());
        return rows.Select((r, k) => r with { Rank = rank[k] }).ToList();
    }

    /// <summary>dplyr's dense_rank: 1 for the smallest value, consecutive ranks for distinct values.</summary>
    internal static int[] DenseRanks(double[] values)
    {
        var distinct = values.Distinct().Order().ToArray();
        return values.Select(v => Array.BinarySearch(distinct, v) + 1).ToArray();
    }

    /// <summary>R's rank(ties.method = "min"): 1 + the number of strictly smaller values.</summary>
    internal static int[] MinRanks(double[] values) => values.Select(v => 1 + values.Count(w => w < v)).ToArray();

    /// <summary>Pearson correlation of the test markets' total series with the total of every other market (GeoLift's CorrelationCoefficient).</summary>
    private static double TotalCorrelation(GeoDesignPanel data, int[] treated)
    {
        var test = new double[data.T];
        var rest = new double[data.T];
        for (int i = 0; i < data.N; i++)
        {
            var target = Array.IndexOf(treated, i) >= 0 ? test : rest;
            var row = data.Row(i);
            for (int t = 0; t < data.T; t++)
            {
                target[t] += row[t];
            }
        }
        return MarketCandidates.Pearson(test, rest);
    }
}
