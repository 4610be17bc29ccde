using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LiftPipeline.Pipeline.Audiences;
using LiftPipeline.Tests.Pipeline;

namespace LiftPipeline.Tests.Audiences;

/// <summary>audience.json: the documented example reads with the values it shows, the schema lists exactly the accepted properties, and problems name their field.</summary>
public sealed partial class AudienceDefinitionReaderTests
{
    private static AudienceDefinition Read(string json) => AudienceDefinitionReader.Read("audience.json", Encoding.UTF8.GetBytes(json));

    [Fact]
    public void The_documented_example_reads_with_the_values_it_shows()
    {
        string markdown = File.ReadAllText(CampaignDocsTests.Docs("audiences.md"));
        string example = ExampleBlock().Match(markdown[markdown.IndexOf("## Audience definitions", StringComparison.Ordinal)..]).Groups[1].Value;

        var definition = Read(example);

        Assert.Equal("spring", definition.Audience);
        Assert.Equal(["bargain-hunters", "young-adults", "champions", "win-back"], definition.Segments.Select(s => s.Name));
        Assert.Equal("age_band in ('18-24', '25-34')", definition.Segments[1].Rule);
        Assert.Equal((30, 90, 365), (definition.Lifecycle.NewDays, definition.Lifecycle.ActiveDays, definition.Lifecycle.LapsingDays));
        Assert.Equal("bargain-hunters", definition.Activate!.Segment);
        Assert.Equal([ActivationSurface.Meta, ActivationSurface.Google], definition.Activate.Surfaces);
        Assert.Equal("49", definition.Activate.PhoneCountryCode);
        var holdout = Assert.Single(definition.Holdouts);
        Assert.Equal(("spring-vbo-1p", "bargain-hunters", "spring-2026", "spring"), (holdout.Campaign, holdout.Segment, holdout.Assigner.Salt, holdout.Assigner.Audience));
        Assert.Equal([1_000, 4_500, 4_500], holdout.Assigner.Allocation.BasisPoints);
        Assert.Equal(("q2", 0, 5_000), (holdout.Assigner.Layer!.Name, holdout.Assigner.Layer.From, holdout.Assigner.Layer.To));
        Assert.Equal(AudienceValidationSettings.Default.BalanceCovariates, definition.Validation.BalanceCovariates);
        Assert.Equal((0.8, 0.1), (definition.Validation.JaccardFloor, definition.Validation.MaxSmd));
    }

    [Fact]
    public void The_schema_lists_exactly_the_properties_the_reader_accepts()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(CampaignDocsTests.Docs("audience.schema.json")));

        foreach (var (path, names) in AudienceDefinitionReader.Properties)
        {
            var element = schema.RootElement;
            foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                bool list = part.EndsWith("[]", StringComparison.Ordinal);
                element = element.GetProperty("properties").GetProperty(list ? part[..^2] : part);
                element = list ? element.GetProperty("items") : element;
            }
            Assert.Equal(names.Order(StringComparer.Ordinal), element.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.False(element.GetProperty("additionalProperties").GetBoolean());
        }
    }

    [Fact]
    public void Defaults_apply_when_only_the_audience_and_segments_are_given()
    {
        var definition = Read("""{ "audience": "a", "segments": [{ "name": "s", "rule": "orders > 0" }] }""");

        Assert.Equal(new LiftPipeline.Statistics.Audiences.Segments.LifecycleThresholds(), definition.Lifecycle);
        Assert.Same(AudienceValidationSettings.Default, definition.Validation);
        Assert.Null(definition.Activate);
        Assert.Empty(definition.Holdouts);
    }

    [Theory]
    [InlineData("0", "validation.minimumCustomers: is the number 0; give a whole number from 1 to 2147483647")]
    [InlineData("12.5", "validation.minimumCustomers: is the number 12.5; give a whole number from 1 to 2147483647")]
    [InlineData("\"50\"", "validation.minimumCustomers: is the string \"50\"; give a whole number from 1 to 2147483647")]
    public void A_minimum_of_customers_that_is_not_a_positive_whole_number_is_a_problem(string value, string problem)
    {
        var e = Assert.Throws<AudienceDefinitionException>(() => Read($$"""
            { "audience": "spring", "segments": [{ "name": "a", "rule": "orders > 0" }], "validation": { "minimumCustomers": {{value}} } }
            """));

        Assert.Equal([problem], e.Problems);
    }

    [Fact]
    public void The_minimum_of_customers_is_read_and_defaults_to_50()
    {
        var set = Read("""{ "audience": "spring", "segments": [{ "name": "a", "rule": "orders > 0" }], "validation": { "minimumCustomers": 100 } }""");
        var unset = Read("""{ "audience": "spring", "segments": [{ "name": "a", "rule": "orders > 0" }], "validation": { "maxSmd": 0.2 } }""");

        Assert.Equal((100, 50), (set.Validation.MinimumCustomers, unset.Validation.MinimumCustomers));
        Assert.Equal(100, AudienceValidationOptions.From(set.Validation).MinimumCustomers);
        Assert.Contains("the minimum number of customers per released count 0 is below 1", new AudienceValidationOptions { MinimumCustomers = 0 }.Problems());
    }

    [Fact]
    public void Every_problem_is_reported_with_its_field_in_one_line()
    {
        var e = Assert.Throws<AudienceDefinitionException>(() => Read("""
            {
              "audience": "Spring",
              "segments": [{ "name": "a", "rule": "orders > 0" }, { "name": "a", "rule": "" }],
              "lifecycle": { "newDays": 100 },
              "activate": { "segment": "b", "surfaces": ["myspace"] },
              "holdouts": [{ "campaign": "c", "segment": "a", "salt": "s", "allocation": { "holdout": 0.1, "vbo": 0.8 } }],
              "validation": { "jaccardFloor": 1.5 },
              "colour": "red"
            }
            """));

        Assert.Equal(
            [
                "colour: is not a known property; expected one of audience, description, segments, lifecycle, activate, holdouts, validation (names are case-sensitive)",
                "audience: 'Spring' is not an audience id; use 1 to 64 of a-z, 0-9 and '-'",
                "segments[1].rule: is the string \"\"; give a non-empty string",
                "segments[1].name: 'a' is used by two segments; give each its own name",
                "lifecycle: lifecycle thresholds must satisfy 0 <= newDays <= activeDays <= lapsingDays; got 100, 90, 365",
                "activate.segment: 'b' is not one of the segments (a)",
                "activate.surfaces[0]: is the string \"myspace\"; give one of meta, google, tiktok",
                e.Problems[7],
                "validation.jaccardFloor: is the number 1.5; give a number from 0 to 1",
            ], e.Problems);
        Assert.StartsWith("holdouts[0].allocation: ", e.Problems[7], StringComparison.Ordinal);
        Assert.StartsWith("audience.json has 9 problems: colour: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Invalid_json_names_the_line()
    {
        var e = Assert.Throws<AudienceDefinitionException>(() => Read("{\n  \"audience\": \"a\",,\n}"));

        Assert.StartsWith("audience.json has 1 problem: $: not valid JSON (line 2", e.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();
}
