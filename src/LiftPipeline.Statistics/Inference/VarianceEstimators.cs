using System.Diagnostics.CodeAnalysis;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// The registry of variance methods: every caller that lists, validates or builds a variance method by name reads it
/// (the CLI and its help, campaign.json's allowed names, the measure JSON, the docs tests). Adding a method is its class
/// plus one line here.
/// </summary>
public static class VarianceEstimators
{
    /// <summary>Every variance method, in the order help and docs list them.</summary>
    public static IReadOnlyList<VarianceMethodDescriptor> All { get; } =
    [
        new("placebo", "unit placebo: controls assigned as treated at random (synthdid's Algorithm 4)", true, o => new PlaceboVariance(o)),
        new("jackknife", "leave-one-unit-out jackknife; needs several treated units", false, o => new JackknifeVariance(o)),
        new("bootstrap", "unit-clustered bootstrap; needs several treated units", true, o => new BootstrapVariance(o)),
        new("conformal", "conformal inference by the T cyclic shifts of time; interval and p-value, no standard error", false, o => new ConformalInference(ConformalPermutation.MovingBlock, o)),
        new("conformal-iid", "conformal inference by random permutations of time", true, o => new ConformalInference(ConformalPermutation.Iid, o)),
        new("jackknife+", "jackknife+ over control units; interval and p-value, no standard error", false, o => new JackknifePlusVariance(o)),
        new("conditional", "variance conditional on the treated units and periods (two-way heteroskedasticity)", true, o => new ConditionalVariance(o)),
        new("time-placebo", "time placebo: the real treated units in every pre-period window", false, o => new TimePlaceboVariance(o)),
    ];

    /// <summary>The canonical names of <see cref="All"/>, in order (aliases are not listed).</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(d => d.Name).ToArray();

    /// <summary>The method that answers to <paramref name="name"/> (its name or an alias, ignoring case), if any.</summary>
    public static bool TryFind(string name, [NotNullWhen(true)] out VarianceMethodDescriptor? descriptor)
    {
        descriptor = All.FirstOrDefault(d => d.Answers(name));
        return descriptor is not null;
    }

    /// <summary>The variance method called <paramref name="name"/> (a name or an alias, ignoring case), built from <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">No variance method has that name; validate user input with <see cref="TryFind"/> first.</exception>
    public static IVarianceEstimator Create(string name, VarianceOptions? options = null) =>
        TryFind(name, out var descriptor)
            ? descriptor.Create(options ?? new VarianceOptions())
            : throw new ArgumentException($"Unknown variance method '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Whether the method named <paramref name="name"/> draws <see cref="VarianceOptions.Replications"/>; false for unknown names.</summary>
    public static bool UsesReplications(string name) => TryFind(name, out var descriptor) && descriptor.UsesReplications;
}
