using System.Globalization;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>--allocation</c>, one syntax for <c>lift measure</c> and <c>lift power</c>: planned shares as <c>arm=share</c>, comma
/// separated (<c>holdout=0.2,vbo=0.4,vbo_1p=0.4</c>), kept in the order given. <c>lift power</c>, which has no arm names
/// otherwise, also takes bare shares in arm order, control first (<c>0.5,0.25,0.25</c>). Only the text form is read here;
/// the rules of the shares are <see cref="Statistics.Measurement.ArmAllocation"/>'s.
/// </summary>
internal static class AllocationOption
{
    /// <summary>The example every message and description shows.</summary>
    public const string Example = "holdout=0.2,vbo=0.4,vbo_1p=0.4";

    /// <summary>
    /// The arm → share pairs of <paramref name="text"/> in order, or null when it is null or blank. Bare shares (only when
    /// <paramref name="bareShares"/>) are named <c>#1</c>, <c>#2</c>, … in order.
    /// </summary>
    /// <exception cref="FormatException">The text is not the syntax: the one-line message to print.</exception>
    public static IReadOnlyList<KeyValuePair<string, double>>? Parse(string? text, bool bareShares)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        var shares = new List<KeyValuePair<string, double>>();
        bool named = items[0].Contains('=', StringComparison.Ordinal);
        foreach (var item in items)
        {
            int equals = item.IndexOf('=', StringComparison.Ordinal);
            string arm = equals < 0 ? $"#{shares.Count + 1}" : item[..equals].Trim();
            string number = equals < 0 ? item : item[(equals + 1)..].Trim();
            if ((equals >= 0) != named || (!named && !bareShares) || arm.Length == 0
                || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double share))
            {
                throw new FormatException($"--allocation '{item}' is not arm=share; give every arm as arm=share, comma separated (e.g. {Example}).");
            }
            if (shares.Any(s => s.Key == arm))
            {
                throw new FormatException($"--allocation names arm '{arm}' twice; give each arm one share.");
            }
            shares.Add(new KeyValuePair<string, double>(arm, share));
        }
        return shares;
    }
}
