namespace LiftPipeline.Bench;

/// <summary>Per-arm totals: rows, Σconversions, Σrevenue, Σpre_revenue.</summary>
internal sealed record ArmTotal(string Arm, long Count, double Conversions, double Revenue, double PreRevenue);

internal static class ArmTotals
{
    public const double RelativeTolerance = 1e-9;

    /// <summary>Problems found comparing <paramref name="actual"/> with <paramref name="expected"/>; empty when they agree.</summary>
    public static List<string> Compare(string actualName, IReadOnlyList<ArmTotal> actual, string expectedName, IReadOnlyList<ArmTotal> expected)
    {
        var problems = new List<string>();
        var byArm = new Dictionary<string, ArmTotal>(StringComparer.Ordinal);
        foreach (var total in actual)
        {
            byArm[total.Arm] = total;
        }
        if (actual.Count != expected.Count)
        {
            problems.Add($"{actualName} has {actual.Count} arms, {expectedName} has {expected.Count}");
        }
        foreach (var want in expected)
        {
            if (!byArm.TryGetValue(want.Arm, out var got))
            {
                problems.Add($"{actualName} lacks arm '{want.Arm}'");
                continue;
            }
            if (got.Count != want.Count)
            {
                problems.Add($"arm '{want.Arm}': count {got.Count} ({actualName}) != {want.Count} ({expectedName})");
            }
            Check(problems, want.Arm, "conversions", got.Conversions, want.Conversions, actualName, expectedName);
            Check(problems, want.Arm, "revenue", got.Revenue, want.Revenue, actualName, expectedName);
            Check(problems, want.Arm, "pre_revenue", got.PreRevenue, want.PreRevenue, actualName, expectedName);
        }
        return problems;
    }

    private static void Check(List<string> problems, string arm, string column, double got, double want, string actualName, string expectedName)
    {
        double scale = Math.Max(Math.Abs(got), Math.Abs(want));
        double difference = Math.Abs(got - want);
        if (!(difference <= RelativeTolerance * scale))
        {
            problems.Add($"arm '{arm}': sum({column}) {got:R} ({actualName}) vs {want:R} ({expectedName}), relative difference {difference / scale:E2}");
        }
    }

    public static void Print(IReadOnlyList<ArmTotal> totals)
    {
        Console.WriteLine($"  {"arm",-10} {"rows",12} {"conversions",14} {"revenue",20} {"pre_revenue",20}");
        foreach (var t in totals)
        {
            Console.WriteLine($"  {t.Arm,-10} {t.Count,12:N0} {t.Conversions,14:N0} {t.Revenue,20:N2} {t.PreRevenue,20:N2}");
        }
    }
}
