using System.Globalization;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>
/// The rules of a planned allocation of customers to arms, shared by <see cref="HoldoutSettings.Allocation"/> (the
/// sample-ratio check) and the power plan: every share lies strictly between 0 and 1, and the shares sum to 1 (within
/// 1e-6).
/// </summary>
public static class ArmAllocation
{
    /// <summary>How far the shares may sum from 1.</summary>
    public const double SumTolerance = 1e-6;

    /// <summary>The problems of <paramref name="shares"/> (arm → share) under the field <paramref name="field"/>; empty when it is valid.</summary>
    public static IReadOnlyList<SettingError> Validate(IEnumerable<KeyValuePair<string, double>> shares, string field = "allocation")
    {
        ArgumentNullException.ThrowIfNull(shares);
        var errors = new List<SettingError>();
        double sum = 0;
        int count = 0;
        foreach (var (arm, share) in shares)
        {
            count++;
            sum += share;
            if (!(share > 0 && share < 1))
            {
                errors.Add(new SettingError($"{field}.{arm}", $"is {Show(share)}; give a share strictly between 0 and 1"));
            }
        }
        if (count == 0)
        {
            errors.Add(new SettingError(field, "names no arm; give a share per arm, such as holdout=0.2,vbo=0.8"));
        }
        else if (errors.Count == 0 && Math.Abs(sum - 1) > SumTolerance)
        {
            errors.Add(new SettingError(field, $"shares sum to {Show(sum)}; planned shares must sum to 1"));
        }
        return errors;
    }

    /// <summary>A number as the rules quote it: invariant, at most six decimals.</summary>
    internal static string Show(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
