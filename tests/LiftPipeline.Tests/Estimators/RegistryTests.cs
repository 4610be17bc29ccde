using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Tests.Estimators;

/// <summary>The estimator and variance-method registries: each descriptor builds what it names, and names never collide.</summary>
public sealed class RegistryTests
{
    public static TheoryData<string> EstimatorNames() => new(PanelEstimators.Names);

    public static TheoryData<string> VarianceNames() => new(VarianceEstimators.Names);

    [Theory]
    [MemberData(nameof(EstimatorNames))]
    public void Each_estimator_descriptor_builds_the_estimator_it_names_under_every_alias(string name)
    {
        Assert.True(PanelEstimators.TryFind(name, out var descriptor));

        Assert.Equal(name, descriptor.Create(new PanelEstimatorSettings()).Name);
        Assert.Equal(name, PanelEstimators.Create(name.ToUpperInvariant()).Name);
        Assert.All(descriptor.Aliases, alias => Assert.Equal(name, PanelEstimators.Create(alias).Name));
        AssertOneLine(descriptor.Description);
    }

    [Theory]
    [MemberData(nameof(VarianceNames))]
    public void Each_variance_descriptor_builds_the_method_it_names(string name)
    {
        Assert.True(VarianceEstimators.TryFind(name, out var descriptor));

        Assert.Equal(name, descriptor.Create(new VarianceOptions()).Name);
        Assert.Equal(name, VarianceEstimators.Create(name.ToUpperInvariant()).Name);
        AssertOneLine(descriptor.Description);
    }

    [Fact]
    public void Names_and_aliases_are_lower_case_and_unique_within_each_registry()
    {
        string[] estimators = [.. PanelEstimators.All.SelectMany(d => d.Aliases.Prepend(d.Name)), "all"];
        string[] variances = [.. VarianceEstimators.All.SelectMany(d => d.Aliases.Prepend(d.Name)), "none"];

        Assert.Equal(estimators.Length, estimators.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(variances.Length, variances.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(estimators.Concat(variances), n => Assert.Equal(n.ToLowerInvariant(), n));
    }

    [Fact]
    public void Only_the_methods_that_draw_at_random_use_replications()
    {
        Assert.Equal(["placebo", "bootstrap", "conformal-iid", "conditional"], VarianceEstimators.All.Where(d => d.UsesReplications).Select(d => d.Name));
        Assert.False(VarianceEstimators.UsesReplications("no-such-method"));
    }

    [Fact]
    public void An_unknown_name_is_not_found_and_building_it_is_an_argument_error_naming_the_choices()
    {
        Assert.False(PanelEstimators.TryFind("magic", out _));
        Assert.False(VarianceEstimators.TryFind("magic", out _));

        var estimator = Assert.Throws<ArgumentException>(() => PanelEstimators.Create("magic"));
        var variance = Assert.Throws<ArgumentException>(() => VarianceEstimators.Create("magic"));

        Assert.Contains("sdid", estimator.Message);
        Assert.Contains("dwcp is an alias of trop", estimator.Message);
        Assert.Contains("placebo", variance.Message);
    }

    [Theory]
    [InlineData("placebo", true, "placebo, 200 replications")]
    [InlineData("bootstrap", true, "bootstrap, 200 replications")]
    [InlineData("jackknife", false, "jackknife")]
    [InlineData("conformal", false, "conformal")]
    [InlineData("time-placebo", false, "time-placebo")]
    public void An_uncertainty_names_its_replications_only_when_its_method_draws_them(string method, bool draws, string description)
    {
        var u = Uncertainty.FromStandardError(method, att: 1, se: 0.5, replications: 200);

        Assert.Equal(draws, u.DrawsReplications);
        Assert.Equal(description, u.Description);
    }

    private static void AssertOneLine(string description)
    {
        Assert.False(string.IsNullOrWhiteSpace(description));
        Assert.DoesNotContain('\n', description);
        Assert.False(description.EndsWith('.'), "descriptions are fragments; help text adds the punctuation");
    }
}
