namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// One panel estimator as the command line, campaign.json, reports and docs know it: its name (what
/// <see cref="IPanelEstimator.Name"/> returns), other names it answers to, a one-line description for help text, and how
/// to build it from the shared settings.
/// </summary>
/// <param name="Name">The canonical lower-case name, written in reports and accepted everywhere.</param>
/// <param name="Description">One line for <c>--help</c> and the docs, without a trailing period.</param>
/// <param name="Create">Builds the estimator from the settings (solver, seed) it reads.</param>
public sealed record PanelEstimatorDescriptor(string Name, string Description, Func<PanelEstimatorSettings, IPanelEstimator> Create)
{
    /// <summary>Other lower-case names accepted on the command line for this estimator (for example <c>dwcp</c> for <c>trop</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>True when <paramref name="name"/> is <see cref="Name"/> or an alias, ignoring case.</summary>
    public bool Answers(string name) =>
        string.Equals(name, Name, StringComparison.OrdinalIgnoreCase) || Aliases.Contains(name, StringComparer.OrdinalIgnoreCase);
}
