using System.Text.Json;
using LiftPipeline.Pipeline.Privacy;
using LiftPipeline.Statistics.Decisions.Privacy;

namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>The <c>privacy.noise</c> section: the differentially private aggregate release (<see cref="AggregateNoise"/>).</summary>
internal sealed partial class CampaignConfigReader
{
    private const string NoisePath = "privacy.noise";

    private AggregateNoise? Noise(JsonElement element, IReadOnlyList<string>? metrics)
    {
        int errors = _errors.Count;
        CheckProperties(element, NoisePath, Properties[NoisePath]);
        var kind = Choice(element, NoisePath, "mechanism", ["gaussian", "laplace"], "gaussian") == "laplace" ? NoiseKind.Laplace : NoiseKind.Gaussian;
        double epsilon = RequiredPositive(element, NoisePath, "epsilon", "the privacy loss of each released table, a number greater than 0 (e.g. 1)");
        double delta = AggregateNoise.DefaultDelta;
        if (kind == NoiseKind.Laplace && TryGet(element, "delta", out _))
        {
            Error($"{NoisePath}.delta", "is only for \"mechanism\": \"gaussian\" (Laplace noise is ε-DP without δ); remove it");
        }
        else
        {
            delta = Probability(element, NoisePath, "delta", AggregateNoise.DefaultDelta);
        }
        var bounds = Bounds(element, metrics);
        var (rho, budgetDelta) = Budget(element, delta);
        return _errors.Count > errors ? null : new AggregateNoise(kind, epsilon, delta, bounds, rho, budgetDelta);
    }

    /// <summary>A required number &gt; 0; NaN (and an error) when absent or not one.</summary>
    private double RequiredPositive(JsonElement obj, string parent, string name, string expected)
    {
        if (TryGet(obj, name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number) && double.IsFinite(number) && number > 0)
        {
            return number;
        }
        Error(Join(parent, name), TryGet(obj, name, out _) ? $"is {Show(value)}; give {expected}" : $"is required; give {expected}");
        return double.NaN;
    }

    /// <summary>A probability strictly between 0 and 1.</summary>
    private double Probability(JsonElement obj, string parent, string name, double fallback) =>
        Number(obj, parent, name, fallback, v => v > 0 && v < 1, "a number strictly between 0 and 1, such as 1e-6");

    /// <summary><c>privacy.noise.bounds</c>: a public upper bound ≥ 0 for every metric; a bound from the data would leak.</summary>
    private Dictionary<string, double> Bounds(JsonElement element, IReadOnlyList<string>? metrics)
    {
        string path = $"{NoisePath}.bounds";
        var bounds = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!TryGet(element, "bounds", out var value))
        {
            Error(path, "is required; give every metric a public upper bound ≥ 0 to clip it at, e.g. { \"revenue\": 500 } (a value taken from the data, such as a quantile, would leak)");
            return bounds;
        }
        if (!IsObject(value, path, "the clipping bounds (metric → upper bound)"))
        {
            return bounds;
        }
        foreach (var property in value.EnumerateObject())
        {
            string at = $"{path}.{property.Name}";
            if (metrics is not null && !metrics.Contains(property.Name))
            {
                Error(at, $"is not a metric; expected one of {string.Join(", ", metrics)}");
            }
            else if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out double bound) && double.IsFinite(bound) && bound >= 0)
            {
                bounds[property.Name] = bound;
            }
            else
            {
                Error(at, $"is {Show(property.Value)}; give the metric's upper clipping bound, a number ≥ 0");
            }
        }
        foreach (var metric in metrics ?? [])
        {
            if (!value.TryGetProperty(metric, out _))
            {
                Error($"{path}.{metric}", "is required: every released metric needs a public upper clipping bound ≥ 0");
            }
        }
        return bounds;
    }

    /// <summary><c>privacy.noise.budget</c>: <c>{"rho": ρ}</c> (optional δ for reporting ε) or <c>{"epsilon": ε, "delta": δ}</c>.</summary>
    private (double Rho, double Delta) Budget(JsonElement element, double tableDelta)
    {
        string path = $"{NoisePath}.budget";
        if (!TryGet(element, "budget", out var value))
        {
            Error(path, "is required; give the campaign's privacy budget as { \"rho\": 1 } or { \"epsilon\": 3, \"delta\": 1e-6 }");
            return (double.NaN, tableDelta);
        }
        if (!IsObject(value, path, "the privacy budget"))
        {
            return (double.NaN, tableDelta);
        }
        CheckProperties(value, path, Properties[path]);
        bool hasRho = TryGet(value, "rho", out _), hasEpsilon = TryGet(value, "epsilon", out _);
        if (hasRho == hasEpsilon)
        {
            Error(path, "needs exactly one of \"rho\" (zCDP) or \"epsilon\" with \"delta\"");
            return (double.NaN, tableDelta);
        }
        double delta = Probability(value, path, "delta", tableDelta);
        if (hasRho)
        {
            return (RequiredPositive(value, path, "rho", "the budget's zCDP ρ, a number greater than 0 (e.g. 1)"), delta);
        }
        if (!TryGet(value, "delta", out _))
        {
            Error($"{path}.delta", "is required with \"epsilon\"; give a number strictly between 0 and 1, such as 1e-6");
        }
        double epsilon = RequiredPositive(value, path, "epsilon", "the budget's ε, a number greater than 0 (e.g. 3)");
        return (double.IsFinite(epsilon) ? ZeroConcentratedPrivacy.RhoForEpsilon(epsilon, delta) : double.NaN, delta);
    }
}
