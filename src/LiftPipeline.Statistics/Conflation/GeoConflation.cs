using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Statistics.Conflation;

/// <summary>
/// The <c>conflated</c> guardrail of a geo test against every other geo test live on common days (docs/guardrails.md):
/// per pair, the days in common and the markets in both (<see cref="GeoOverlap"/>). A pair breaches when, on common days,
/// one test's control markets are treated by the other (spill-over: that test's counterfactual carries the other's
/// effect) or both treat a market (each estimate carries the other's effect). Markets that are controls in both, or
/// tests whose windows do not meet, pass. Pure.
/// </summary>
public static class GeoConflation
{
    /// <summary>Findings, in this order: controls treated by another test, a market treated by both.</summary>
    public const string SpillOverFinding = "spill-over", TreatedByBothFinding = "treated-by-both";

    /// <summary>Checks <paramref name="test"/> against <paramref name="others"/> (at least one).</summary>
    /// <exception cref="ArgumentException">No other test.</exception>
    public static GuardrailResult Check(GeoTestWindow test, IReadOnlyList<GeoTestWindow> others)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(others);
        if (others.Count == 0)
        {
            throw new ArgumentException("give at least one other geo test", nameof(others));
        }
        var evidence = new Dictionary<string, double> { ["tests"] = others.Count };
        bool spillOver = false, both = false;
        var breaches = new List<string>();
        var passes = new List<string>();
        foreach (var other in others)
        {
            var overlap = GeoOverlap.Of(test, other);
            string[] treatedByBoth = overlap.DaysInCommon > 0 ? GeoOverlap.Common(test.Treated, other.Treated) : [];
            string key = other.Name;
            evidence[$"{key}.daysInCommon"] = overlap.DaysInCommon;
            evidence[$"{key}.sharedMarkets"] = overlap.SharedMarkets.Count;
            evidence[$"{key}.controlsTreatedByOther"] = overlap.FirstControlsTreatedBySecond.Count;
            evidence[$"{key}.treatedControlsOfOther"] = overlap.SecondControlsTreatedByFirst.Count;
            evidence[$"{key}.treatedByBoth"] = treatedByBoth.Length;
            var notes = new List<string>();
            if (overlap.FirstControlsTreatedBySecond.Count > 0)
            {
                notes.Add($"it treats {List(overlap.FirstControlsTreatedBySecond)}, controls of this test");
            }
            if (overlap.SecondControlsTreatedByFirst.Count > 0)
            {
                notes.Add($"this test treats {List(overlap.SecondControlsTreatedByFirst)}, its controls");
            }
            if (treatedByBoth.Length > 0)
            {
                notes.Add($"both treat {List(treatedByBoth)}");
            }
            spillOver |= overlap.Conflated;
            both |= treatedByBoth.Length > 0;
            string days = $"{overlap.DaysInCommon} days in common, {overlap.SharedMarkets.Count} markets in both";
            if (notes.Count > 0)
            {
                breaches.Add($"with {key} ({days}): {string.Join("; ", notes)}");
            }
            else
            {
                passes.Add($"{key}: {days}, no market treated by one and used by the other on common days");
            }
        }
        if (breaches.Count > 0)
        {
            var findings = new List<string>();
            if (spillOver)
            {
                findings.Add(SpillOverFinding);
            }
            if (both)
            {
                findings.Add(TreatedByBothFinding);
            }
            return new GuardrailResult(ConflatedGuardrail.Name, GuardrailStatus.Breach,
                $"Conflated geo test {string.Join(". Also ", breaches)}. Each estimate carries the other test's effect; do not read the lift until the tests use disjoint markets or days.",
                evidence) { Findings = findings };
        }
        return new GuardrailResult(ConflatedGuardrail.Name, GuardrailStatus.Pass, $"Not conflated with the other live geo tests: {string.Join("; ", passes)}.", evidence);
    }

    private static string List(IReadOnlyList<string> markets) => markets.Count <= 5
        ? string.Join(", ", markets)
        : $"{string.Join(", ", markets.Take(5))} and {markets.Count - 5} more";
}
