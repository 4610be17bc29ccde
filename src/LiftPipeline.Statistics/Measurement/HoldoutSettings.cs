namespace LiftPipeline.Statistics.Measurement;

/// <summary>How a family of tests is adjusted for multiplicity.</summary>
public enum MultipleTestingAdjustment
{
    /// <summary>Holm's step-down method: controls the family-wise error rate.</summary>
    Holm,

    /// <summary>Benjamini–Hochberg: controls the false discovery rate.</summary>
    BenjaminiHochberg,
}

/// <summary>One comparison of two arms: <paramref name="Treatment"/> against <paramref name="Control"/>.</summary>
public sealed record ArmContrast(string Treatment, string Control);

/// <summary>A ratio metric: Σ numerator ÷ Σ denominator per arm (e.g. revenue per order), compared by the delta method.</summary>
public sealed record RatioMetric(string Name, string Numerator, string Denominator);

/// <summary>
/// The settings of a customer-level holdout campaign (<c>holdout</c> in campaign.json, and the holdout options of
/// <c>lift measure</c>). Every arm is compared with <see cref="Control"/>, plus the extra <see cref="Contrasts"/> (such as
/// <c>vbo_1p</c> vs <c>vbo</c>). The rules of every setting live here, in <see cref="Validate"/> and
/// <see cref="TryParseAdjustment"/>, so campaign.json and the CLI enforce the same ones with the same words.
/// </summary>
public sealed record HoldoutSettings
{
    /// <summary>The largest <see cref="SequentialTuningN"/>.</summary>
    public const int MaxSequentialTuningN = 1_000_000_000;

    /// <summary>The names of <see cref="MultipleTestingAdjustment"/> values: <c>holm</c> and <c>bh</c>.</summary>
    public static IReadOnlyList<string> AdjustmentNames { get; } = ["holm", "bh"];

    /// <summary>The arm that received no treatment. Default <c>holdout</c>.</summary>
    public string Control { get; init; } = "holdout";

    /// <summary>Planned share of customers per arm (summing to 1), for the sample-ratio check; null: equal shares.</summary>
    public IReadOnlyDictionary<string, double>? Allocation { get; init; }

    /// <summary>Comparisons beyond every arm against <see cref="Control"/>.</summary>
    public IReadOnlyList<ArmContrast> Contrasts { get; init; } = [];

    /// <summary>
    /// The comparison whose always-valid interval on the primary metric drives the recommendation (such as <c>vbo_1p</c>
    /// against <c>vbo</c>); measured even when it is not among <see cref="Contrasts"/>. Null: the first arm against
    /// <see cref="Control"/>.
    /// </summary>
    public ArmContrast? PrimaryContrast { get; init; }

    /// <summary>The outcome counted as conversions (cost per incremental conversion); default <c>conversions</c> when measured.</summary>
    public string? ConversionMetric { get; init; }

    /// <summary>The outcome counted as revenue (iROAS); default <c>revenue</c> when measured.</summary>
    public string? RevenueMetric { get; init; }

    /// <summary>Ratio metrics to compare.</summary>
    public IReadOnlyList<RatioMetric> Ratios { get; init; } = [];

    /// <summary>Winsorise each outcome at this upper quantile of the pooled data (and 1 − it below); null: no capping.</summary>
    public double? CapQuantile { get; init; }

    /// <summary>Adjustment of the per-segment, per-surface and per-market p-values. Default Holm.</summary>
    public MultipleTestingAdjustment Adjustment { get; init; } = MultipleTestingAdjustment.Holm;

    /// <summary>N*, the sample size at which the always-valid interval is tightest. Default 10,000.</summary>
    public int SequentialTuningN { get; init; } = 10_000;

    /// <summary>Media spend per arm when the export has no spend column; null: from the export.</summary>
    public IReadOnlyDictionary<string, double>? Spend { get; init; }

    /// <summary>
    /// Every setting that breaks its rule, in field order; empty when the settings are usable. The rules: a non-empty
    /// <see cref="Control"/>; an <see cref="Allocation"/> that follows <see cref="ArmAllocation"/> and gives the control a
    /// share; contrasts (and the <see cref="PrimaryContrast"/>) of two different, named arms; a <see cref="CapQuantile"/> strictly between 0.5 and 1; a
    /// <see cref="SequentialTuningN"/> from 1 to <see cref="MaxSequentialTuningN"/>; spend of 0 or more per arm.
    /// </summary>
    public IReadOnlyList<SettingError> Validate()
    {
        var errors = new List<SettingError>();
        if (string.IsNullOrWhiteSpace(Control))
        {
            errors.Add(new SettingError("control", "is empty; name the arm that received no treatment, such as holdout"));
        }
        if (Allocation is not null)
        {
            errors.AddRange(ArmAllocation.Validate(Allocation));
            if (!string.IsNullOrWhiteSpace(Control) && !Allocation.ContainsKey(Control))
            {
                errors.Add(new SettingError("allocation", $"has no share for the control arm '{Control}'"));
            }
        }
        for (int i = 0; i < Contrasts.Count; i++)
        {
            var (treatment, control) = (Contrasts[i].Treatment, Contrasts[i].Control);
            if (string.IsNullOrWhiteSpace(treatment) || string.IsNullOrWhiteSpace(control))
            {
                errors.Add(new SettingError($"contrasts[{i}]", "needs a treatment and a control arm, such as vbo_1p against vbo"));
            }
            else if (treatment == control)
            {
                errors.Add(new SettingError($"contrasts[{i}]", $"compares '{treatment}' with itself; name two different arms"));
            }
        }
        if (PrimaryContrast is { } primary)
        {
            if (string.IsNullOrWhiteSpace(primary.Treatment) || string.IsNullOrWhiteSpace(primary.Control))
            {
                errors.Add(new SettingError("primaryContrast", "needs a treatment and a control arm as treatment:control, such as vbo_1p:vbo"));
            }
            else if (primary.Treatment == primary.Control)
            {
                errors.Add(new SettingError("primaryContrast", $"compares '{primary.Treatment}' with itself; name two different arms, such as vbo_1p:vbo"));
            }
        }
        if (CapQuantile is { } q && !(q > 0.5 && q < 1))
        {
            errors.Add(new SettingError("capQuantile", $"is {ArmAllocation.Show(q)}; give an upper quantile strictly between 0.5 and 1, such as 0.999"));
        }
        if (SequentialTuningN is < 1 or > MaxSequentialTuningN)
        {
            errors.Add(new SettingError("sequentialTuningN", $"is {SequentialTuningN}; give a whole number from 1 to {MaxSequentialTuningN}, such as 10000"));
        }
        foreach (var (arm, amount) in Spend ?? new Dictionary<string, double>())
        {
            if (!(amount >= 0 && double.IsFinite(amount)))
            {
                errors.Add(new SettingError($"spend.{arm}", $"is {ArmAllocation.Show(amount)}; give an amount of 0 or more"));
            }
        }
        return errors;
    }

    /// <summary>
    /// Reads a contrast written <c>treatment:control</c> (such as <c>vbo_1p:vbo</c>), the form of
    /// <see cref="PrimaryContrast"/> in campaign.json and on the CLI; null when it is one, else the <c>primaryContrast</c> error.
    /// Whether the arms differ and exist is checked by <see cref="Validate"/> and by the measurement.
    /// </summary>
    public static SettingError? TryParseContrast(string? text, out ArmContrast? contrast)
    {
        var parts = (text ?? "").Split(':', StringSplitOptions.TrimEntries);
        contrast = parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? new ArmContrast(parts[0], parts[1]) : null;
        return contrast is null ? new SettingError("primaryContrast", $"is '{text}'; write treatment:control with two arm names, such as vbo_1p:vbo") : null;
    }

    /// <summary>Reads an adjustment name (<see cref="AdjustmentNames"/>, exact); null when it is one, else the <c>adjustment</c> error.</summary>
    public static SettingError? TryParseAdjustment(string? name, out MultipleTestingAdjustment adjustment)
    {
        (adjustment, var error) = name switch
        {
            "holm" => (MultipleTestingAdjustment.Holm, (SettingError?)null),
            "bh" => (MultipleTestingAdjustment.BenjaminiHochberg, null),
            _ => (MultipleTestingAdjustment.Holm, new SettingError("adjustment", $"is '{name}'; expected one of {string.Join(", ", AdjustmentNames)}")),
        };
        return error;
    }
}
