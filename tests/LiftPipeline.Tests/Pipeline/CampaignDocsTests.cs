using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Pipeline;

public sealed partial class CampaignDocsTests
{
    internal static string Docs(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("docs/" + file + " not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_documented_example_parses_with_the_values_it_shows()
    {
        string markdown = File.ReadAllText(Docs("campaign.md"));
        string example = ExampleBlock().Match(markdown[markdown.IndexOf("## Example", StringComparison.Ordinal)..]).Groups[1].Value;

        var config = CampaignConfig.Parse("spring-geo", Encoding.UTF8.GetBytes(example));

        Assert.Equal(["conversions", "revenue"], config.Metrics);
        Assert.Equal(["sdid", "sc", "did"], config.Estimators);
        Assert.Equal(7, config.Seed);
        Assert.Equal(0.1, config.Alpha);
        Assert.Equal(new TreatmentWindow(Period.FromDate(new DateOnly(2021, 4, 1)), Period.FromDate(new DateOnly(2021, 4, 15))), config.Treatment);
        Assert.Equal(new Uri("https://hooks.example.com/lift/growth"), Assert.Single(config.Subscribers).Url);
        Assert.Equal(0.4, config.Guardrails.MaxScaledL2Imbalance);
        Assert.Equal(2, config.Guardrails.LateAfterDays);
        Assert.Equal("location", config.ColumnMapping.Resolve("unit"));
    }

    [Fact]
    public void The_documented_holdout_example_parses_as_a_holdout_with_its_settings()
    {
        string markdown = File.ReadAllText(Docs("campaign.md"));
        string example = ExampleBlock().Match(markdown[markdown.IndexOf("A customer-level holdout", StringComparison.Ordinal)..]).Groups[1].Value;

        var config = CampaignConfig.Parse("vbo-holdout", Encoding.UTF8.GetBytes(example));

        Assert.Equal(CampaignDesign.Holdout, config.Design);
        Assert.Equal(0.2, config.Holdout!.Allocation!["holdout"]);
        Assert.Equal(new LiftPipeline.Statistics.Measurement.ArmContrast("vbo_1p", "vbo"), Assert.Single(config.Holdout.Contrasts));
        Assert.Equal(0.05, Assert.Single(config.Guardrails.Harm).Margin);
    }

    [Fact]
    public void The_schema_lists_exactly_the_properties_the_parser_accepts()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(Docs("campaign.schema.json")));
        var root = schema.RootElement;
        var objects = CampaignConfigReader.Properties.Keys.ToDictionary(path => path, path => SchemaObject(root, path));

        Assert.Equal(CampaignConfigReader.Properties.Keys.Order(StringComparer.Ordinal), objects.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, element) in objects)
        {
            var names = element.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
            Assert.Equal(CampaignConfigReader.Properties[path].Order(StringComparer.Ordinal), names);
            Assert.False(element.GetProperty("additionalProperties").GetBoolean());
        }
    }

    /// <summary>The schema object at a reader path: "a.b" is properties.a.properties.b, "a[]" the items of a list.</summary>
    private static JsonElement SchemaObject(JsonElement root, string path)
    {
        var element = root;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bool list = part.EndsWith("[]", StringComparison.Ordinal);
            element = element.GetProperty("properties").GetProperty(list ? part[..^2] : part);
            if (list)
            {
                element = element.GetProperty("items");
            }
        }
        return element;
    }

    [Fact]
    public void The_schema_enumerates_the_estimator_and_variance_names_the_code_knows()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(Docs("campaign.schema.json")));
        var properties = schema.RootElement.GetProperty("properties");

        var estimators = properties.GetProperty("estimators").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!);
        var variance = properties.GetProperty("variance").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!);

        Assert.Equal(PanelEstimators.Names, estimators);
        Assert.Equal([.. VarianceEstimators.Names, "none"], variance);
    }

    [Fact]
    public void The_field_table_documents_every_accepted_property()
    {
        string markdown = File.ReadAllText(Docs("campaign.md"));

        foreach (var (path, names) in CampaignConfigReader.Properties)
        {
            foreach (var name in names)
            {
                string documented = path switch { "" => $"`{name}`", "columns" => name, _ => $"`{path}.{name}`" };
                Assert.Contains(documented, markdown, StringComparison.Ordinal);
            }
        }
    }

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();
}
