using LiftPipeline.Ingestion;
using LiftPipeline.Statistics.Experiments.Contrasts;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// Thresholds of an audience refresh's validation (docs/audiences.md, "Validation report"); an audience's
/// <c>audience.json</c> may set them. Defaults are the issue's: Jaccard floor 0.8, |d| &lt; 0.1, SRM p &lt; 0.001.
/// </summary>
public sealed record AudienceValidationOptions
{
    /// <summary>The surfaces whose minimum audience size is checked. Default: every surface.</summary>
    public IReadOnlyList<ActivationSurface> Surfaces { get; init; } = ActivationSurface.All;

    /// <summary>A segment whose Jaccard similarity with the previous refresh is below this breaches. Default 0.8.</summary>
    public double JaccardFloor { get; init; } = 0.8;

    /// <summary>A covariate with |d| at or above this between an arm and the holdout breaches. Default 0.1.</summary>
    public double MaxSmd { get; init; } = 0.1;

    /// <summary>The sample-ratio test breaches below this p-value. Default 0.001.</summary>
    public double SrmThreshold { get; init; } = SampleRatioMismatch.DefaultThreshold;

    /// <summary>
    /// The pre-period covariates balance is checked on: <c>orders</c>, <c>revenue</c>, <c>discounted_share</c>,
    /// <c>days_since_last_order</c>, <c>days_since_first_order</c> (both from <c>as_of</c>), or any numeric extra column of
    /// the export. Default: <see cref="AudienceValidationSettings.Default"/>'s (orders, revenue, days_since_last_order).
    /// </summary>
    public IReadOnlyList<string> Covariates { get; init; } = AudienceValidationSettings.Default.BalanceCovariates;

    /// <summary>
    /// Whether balance is also checked within each segment (a subgroup of the assigned customers), not only over all
    /// assigned customers. Default true; an audience refresh, whose holdout runs on one segment, checks that one group only.
    /// </summary>
    public bool BalanceBySegment { get; init; } = true;

    /// <summary>Counts of fewer customers are withheld from the report (<see cref="AudienceReleasePolicy"/>). Default 50.</summary>
    public long MinimumCustomers { get; init; } = 50;

    /// <summary>The arm the other arms are compared with. Default <c>holdout</c>.</summary>
    public string HoldoutArm { get; init; } = "holdout";

    /// <summary>Contract name → column of the customers export (<c>--map</c>). Default: the contract names.</summary>
    public ColumnMapping CustomerColumns { get; init; } = ColumnMapping.Default;

    /// <summary>The options an audience's <c>validation</c> settings give (the other options at their defaults).</summary>
    public static AudienceValidationOptions From(AudienceValidationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new AudienceValidationOptions { JaccardFloor = settings.JaccardFloor, MaxSmd = settings.MaxSmd, Covariates = settings.BalanceCovariates,
            MinimumCustomers = settings.MinimumCustomers };
    }

    /// <summary>The options' problems, one message each; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!(JaccardFloor is >= 0 and <= 1))
        {
            problems.Add($"the Jaccard floor {JaccardFloor} is not between 0 and 1");
        }
        if (!(MaxSmd > 0) || double.IsInfinity(MaxSmd))
        {
            problems.Add($"the largest standardised mean difference {MaxSmd} is not a positive number");
        }
        if (!(SrmThreshold is > 0 and < 1))
        {
            problems.Add($"the sample-ratio threshold {SrmThreshold} is not between 0 and 1");
        }
        if (Covariates.Count == 0 || Covariates.Distinct(StringComparer.Ordinal).Count() != Covariates.Count)
        {
            problems.Add("the balance covariates are empty or name one twice");
        }
        if (MinimumCustomers < 1)
        {
            problems.Add($"the minimum number of customers per released count {MinimumCustomers} is below 1");
        }
        if (Surfaces.Count == 0)
        {
            problems.Add("no surface to check sizes against");
        }
        return problems;
    }
}

/// <summary>The files a validation reads.</summary>
/// <param name="Customers">The customers export the refresh was built from (covariates, country, age band).</param>
/// <param name="Members">The refresh's members file.</param>
/// <param name="Previous">The previous refresh's members file, or null (no stability check).</param>
/// <param name="Assignment">The audience's assignment file, or null (no balance or sample-ratio check).</param>
public sealed record AudienceValidationInputs(string Customers, string Members, string? Previous = null, string? Assignment = null);
