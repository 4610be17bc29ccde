using System.Reflection;
using LiftPipeline.Infrastructure.Storage;
using LiftPipeline.Ingestion;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md: the projects reference one another one way only, the inner layers reach no
/// cloud SDK, HTTP or JSON, and no two folders (namespaces) of one project use each other.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Statistics = typeof(Panel).Assembly;
    private static readonly Assembly Ingestion = typeof(ExportFile).Assembly;
    private static readonly Assembly Pipeline = typeof(IObjectStore).Assembly;
    private static readonly Assembly Infrastructure = typeof(AzureBlobStore).Assembly;

    public static TheoryData<string, string[]> Layers => new()
    {
        { "LiftPipeline.Statistics", [] },
        { "LiftPipeline.Ingestion", ["LiftPipeline.Statistics"] },
        { "LiftPipeline.Pipeline", ["LiftPipeline.Ingestion", "LiftPipeline.Statistics"] },
        { "LiftPipeline.Infrastructure", ["LiftPipeline.Ingestion", "LiftPipeline.Pipeline", "LiftPipeline.Statistics"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Each_layer_references_only_the_layers_below_it(string assembly, string[] allowed)
    {
        var references = ProjectReferences(Load(assembly));

        Assert.Subset(allowed.ToHashSet(StringComparer.Ordinal), references.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void The_reference_graph_is_exactly_the_documented_one()
    {
        Assert.Empty(ProjectReferences(Statistics));
        Assert.Equal(["LiftPipeline.Statistics"], ProjectReferences(Ingestion));
        Assert.Equal(["LiftPipeline.Ingestion", "LiftPipeline.Statistics"], ProjectReferences(Pipeline));
        Assert.Contains("LiftPipeline.Pipeline", ProjectReferences(Infrastructure));
    }

    [Theory]
    [InlineData("LiftPipeline.Statistics", new[] { "Azure.", "System.Net.Http", "Microsoft.AspNetCore", "System.Text.Json", "Parquet", "Microsoft.Azure.Functions" })]
    [InlineData("LiftPipeline.Ingestion", new[] { "Azure.", "System.Net.Http", "Microsoft.AspNetCore", "Microsoft.Azure.Functions" })]
    [InlineData("LiftPipeline.Pipeline", new[] { "Azure.", "System.Net.Http", "Microsoft.AspNetCore", "Microsoft.Azure.Functions" })]
    public void Inner_layers_reach_no_cloud_sdk_or_http(string assembly, string[] forbidden)
    {
        var references = Load(assembly).GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.DoesNotContain(references, r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("LiftPipeline.Statistics")]
    [InlineData("LiftPipeline.Ingestion")]
    [InlineData("LiftPipeline.Pipeline")]
    [InlineData("LiftPipeline.Infrastructure")]
    public void No_two_folders_of_a_project_use_each_other(string project)
    {
        var graph = NamespaceGraph.Of(SourceFolder(project));

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, "Folder cycles: " + string.Join("; ", cycles.Select(c => string.Join(" ⇄ ", c))));
        Assert.True(graph.Namespaces.Count > 1 || project == "LiftPipeline.Infrastructure", "the source folder was found and parsed");
    }

    [Fact]
    public void The_folder_check_finds_a_cycle_when_there_is_one()
    {
        var graph = new NamespaceGraph(new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["A.B"],
            ["A.B"] = ["A.C"],
            ["A.C"] = ["A"],
            ["A.D"] = ["A"],
        });

        var cycle = Assert.Single(graph.Cycles());

        Assert.Equal(["A", "A.B", "A.C"], cycle.Order(StringComparer.Ordinal));
    }

    private static Assembly Load(string name) => new[] { Statistics, Ingestion, Pipeline, Infrastructure }.Single(a => a.GetName().Name == name);

    private static string[] ProjectReferences(Assembly assembly) => assembly.GetReferencedAssemblies()
        .Select(a => a.Name!)
        .Where(n => n.StartsWith("LiftPipeline.", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToArray();

    private static string SourceFolder(string project) => Path.GetFullPath(TestData.Path("..", "..", "src", project));
}
