namespace LiftPipeline.Statistics.Measurement;

/// <summary>
/// One setting that breaks its rule. <paramref name="Field"/> is the setting's path relative to the settings object, in
/// campaign.json's spelling (<c>capQuantile</c>, <c>allocation.vbo</c>, <c>contrasts[0]</c>); <paramref name="Message"/>
/// states the rule, written to follow <c>"{field}: "</c>, so campaign.json prefixes its path (<c>holdout.capQuantile</c>)
/// and the CLI its option name (<c>--cap-quantile</c>) and both say the same thing.
/// </summary>
public sealed record SettingError(string Field, string Message)
{
    /// <summary>The first segment of <see cref="Field"/>: the setting itself (<c>allocation</c> of <c>allocation.vbo</c>, <c>contrasts</c> of <c>contrasts[0]</c>).</summary>
    public string Setting
    {
        get
        {
            int end = Field.IndexOfAny(['.', '[']);
            return end < 0 ? Field : Field[..end];
        }
    }

    /// <summary>What follows <see cref="Setting"/> in <see cref="Field"/> (<c>.vbo</c>, <c>[0]</c>), or empty.</summary>
    public string Rest => Field[Setting.Length..];

    /// <inheritdoc/>
    public override string ToString() => $"{Field}: {Message}";
}
