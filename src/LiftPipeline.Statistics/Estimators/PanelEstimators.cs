using System.Diagnostics.CodeAnalysis;

namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// The registry of panel estimators: every caller that lists, validates or builds an estimator by name reads it (the
/// CLI and its help, campaign.json's allowed names, the docs tests). Adding an estimator is its class plus one line here.
/// </summary>
public static class PanelEstimators
{
    /// <summary>Every estimator, in the order <c>all</c> runs them.</summary>
    public static IReadOnlyList<PanelEstimatorDescriptor> All { get; } =
    [
        new("did", "difference in differences: equal weights on every control and pre period", _ => new DifferenceInDifferences()),
        new("sc", "synthetic control: simplex unit weights, no intercept", s => new SynthdidEstimator(SynthdidOptions.SyntheticControl(s.Solver))),
        new("difp", "synthetic control with an intercept (de-meaned SC)", s => new SynthdidEstimator(SynthdidOptions.Difp(s.Solver))),
        new("sdid", "synthetic difference in differences: unit and time weights with an intercept", s => new SynthdidEstimator(SynthdidOptions.Sdid(s.Solver))),
        new("mc", "matrix completion with a nuclear-norm penalty and two-way fixed effects", s => new MatrixCompletion(new MatrixCompletionOptions { Seed = s.Seed })),
        new("trop", "triply robust panel: unit and time distance weights with a low-rank fit", s => new TriplyRobustPanel(new TriplyRobustPanelOptions { Seed = s.Seed })) { Aliases = ["dwcp"] },
        new("geolift", "GeoLift's synthetic control with unit fixed effects", _ => new GeoLiftSyntheticControl()),
        new("geolift-ridge", "GeoLift's synthetic control with ridge augmentation", _ => new GeoLiftSyntheticControl(ridge: true)),
    ];

    /// <summary>The canonical names of <see cref="All"/>, in order (aliases are not listed).</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(d => d.Name).ToArray();

    /// <summary>The estimator that answers to <paramref name="name"/> (its name or an alias, ignoring case), if any.</summary>
    public static bool TryFind(string name, [NotNullWhen(true)] out PanelEstimatorDescriptor? descriptor)
    {
        descriptor = All.FirstOrDefault(d => d.Answers(name));
        return descriptor is not null;
    }

    /// <summary>The estimator called <paramref name="name"/> (a name or an alias, ignoring case), built from <paramref name="settings"/>.</summary>
    /// <exception cref="ArgumentException">No estimator has that name; validate user input with <see cref="TryFind"/> first.</exception>
    public static IPanelEstimator Create(string name, PanelEstimatorSettings? settings = null) =>
        TryFind(name, out var descriptor)
            ? descriptor.Create(settings ?? new PanelEstimatorSettings())
            : throw new ArgumentException(UnknownMessage(name), nameof(name));

    /// <summary>"Unknown estimator 'x'; expected one of …" naming every estimator and alias.</summary>
    public static string UnknownMessage(string name) => $"Unknown estimator '{name}'; expected one of {string.Join(", ", Names)} or all{AliasNote()}.";

    /// <summary>" (dwcp is an alias of trop)" for every alias, or empty when there are none.</summary>
    public static string AliasNote()
    {
        var notes = All.SelectMany(d => d.Aliases.Select(a => $"{a} is an alias of {d.Name}")).ToArray();
        return notes.Length == 0 ? "" : $" ({string.Join("; ", notes)})";
    }
}
