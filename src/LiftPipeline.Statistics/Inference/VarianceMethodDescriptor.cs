namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// One variance method as the command line, campaign.json, reports and docs know it: its name (what
/// <see cref="IVarianceEstimator.Name"/> and <see cref="Uncertainty.Method"/> carry), other names it answers to, whether
/// it draws <see cref="VarianceOptions.Replications"/> (so a replication count means something for it), a one-line
/// description for help text, and how to build it from the options.
/// </summary>
/// <param name="Name">The canonical lower-case name, written in reports and accepted everywhere.</param>
/// <param name="Description">One line for <c>--help</c> and the docs, without a trailing period.</param>
/// <param name="UsesReplications">Whether the method draws <see cref="VarianceOptions.Replications"/> random replications;
/// false for methods that enumerate a fixed set (leave-one-out fits, time windows, cyclic shifts).</param>
/// <param name="Create">Builds the method from the options (replications, seed, level, parallelism).</param>
public sealed record VarianceMethodDescriptor(string Name, string Description, bool UsesReplications, Func<VarianceOptions, IVarianceEstimator> Create)
{
    /// <summary>Other lower-case names accepted for this method.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>True when <paramref name="name"/> is <see cref="Name"/> or an alias, ignoring case.</summary>
    public bool Answers(string name) =>
        string.Equals(name, Name, StringComparison.OrdinalIgnoreCase) || Aliases.Contains(name, StringComparer.OrdinalIgnoreCase);
}
