using System.Text.RegularExpressions;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The docs describe exactly what the registries hold: an estimator or variance method added to a registry without its
/// row in docs/estimators.md or docs/variance.md, its name in campaign.md and in README's <c>lift measure</c> usage fails
/// here (the schema's enums are checked against the registries by <see cref="CampaignDocsTests"/>).
/// </summary>
public sealed partial class RegistryDocsTests
{
    private static string Read(string file) => File.ReadAllText(CampaignDocsTests.Docs(file));

    private static string Readme() =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(CampaignDocsTests.Docs("campaign.md")))!, "README.md"));

    /// <summary>The body rows of the markdown table whose header line is <paramref name="header"/>.</summary>
    private static string[] TableRows(string markdown, string header)
    {
        var lines = markdown.Split('\n');
        int start = Array.IndexOf(lines, header);
        Assert.True(start >= 0, $"no table headed {header}");
        return lines.Skip(start + 2).TakeWhile(line => line.StartsWith('|')).ToArray();
    }

    [Fact]
    public void Estimators_md_has_one_row_per_estimator_with_its_aliases_and_registry_description()
    {
        var expected = PanelEstimators.All.Select(d => $"| {string.Join(", ", d.Aliases.Prepend(d.Name).Select(n => $"`{n}`"))} | {d.Description} |");

        Assert.Equal(expected, TableRows(Read("estimators.md"), "| name | estimator |"));
    }

    [Fact]
    public void Variance_md_has_a_row_for_every_variance_method_and_no_other()
    {
        var rows = TableRows(Read("variance.md"), "| name | what it estimates | assumption | prefer when |");

        Assert.Equal(VarianceEstimators.Names.Order(StringComparer.Ordinal), rows.Select(row => FirstCell().Match(row).Groups[1].Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Campaign_md_lists_every_name_the_campaign_settings_accept()
    {
        var lines = Read("campaign.md").Split('\n');
        string estimators = lines.Single(line => line.StartsWith("| `estimators` |", StringComparison.Ordinal));
        string variance = lines.Single(line => line.StartsWith("| `variance` |", StringComparison.Ordinal));

        Assert.All(PanelEstimators.Names, name => Assert.Contains($"`{name}`", estimators, StringComparison.Ordinal));
        Assert.All(VarianceEstimators.Names.Append("none"), name => Assert.Contains($"`{name}`", variance, StringComparison.Ordinal));
    }

    [Fact]
    public void Campaign_md_names_the_variance_methods_that_use_replications()
    {
        string replications = Read("campaign.md").Split('\n').Single(line => line.StartsWith("| `replications` |", StringComparison.Ordinal));
        var named = MethodNames().Matches(replications).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(VarianceEstimators.All.Where(d => d.UsesReplications).Select(d => d.Name).Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Readme_measure_usage_lists_every_estimator_and_variance_method()
    {
        string readme = Readme();

        var estimators = Choices("--estimator").Match(readme).Groups[1].Value.Split('|');
        var variances = Choices("--se").Match(readme).Groups[1].Value.Split('|');

        Assert.Equal(PanelEstimators.Names.Append("all").Order(StringComparer.Ordinal), estimators.Order(StringComparer.Ordinal));
        Assert.Equal(VarianceEstimators.Names.Append("none").Order(StringComparer.Ordinal), variances.Order(StringComparer.Ordinal));
    }

    private static Regex Choices(string option) => new(Regex.Escape(option) + @" ([a-z0-9+-]+(?:\|[a-z0-9+-]+)+)");

    /// <summary>Words that are variance method names, longest first so conformal-iid is not read as conformal.</summary>
    private static Regex MethodNames() =>
        new(string.Join("|", VarianceEstimators.Names.OrderByDescending(n => n.Length).Select(n => $@"(?<![\w-]){Regex.Escape(n)}(?![\w+-])")));

    [GeneratedRegex(@"^\| `([^`]+)` \|")]
    private static partial Regex FirstCell();
}
