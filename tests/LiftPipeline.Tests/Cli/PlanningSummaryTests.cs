using System.Text.Json;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Cli;

/// <summary>How <c>lift run</c> and <c>lift demo</c> show a planning campaign: one design line, and a <c>design</c> object in --json.</summary>
public sealed class PlanningSummaryTests
{
    private static readonly CampaignId Plan = CampaignId.Parse("geo-plan");

    private static string Locate(string name) => "/store/" + name;

    private static MeasureOutcome Designed(bool already, params DesignChoice[] chosen) =>
        new(Plan, RunId.Parse("run-1"), CampaignRunStatus.Designed, "m", null, "reports/geo-plan/design/", [], already)
        {
            Design = new DesignSummary("reports/geo-plan/design/", "00ff", chosen, null),
        };

    private static readonly DesignChoice Pair = new(null, ["chicago", "portland"], 15, 0.1, 64563.75, 0.1);

    [Fact]
    public void A_new_design_shows_its_markets_duration_mde_investment_and_report()
    {
        Assert.Equal("geo-plan design: chicago, portland for 15 periods, MDE 10.0%, investment 64,564 → /store/reports/geo-plan/design/design.html",
            PipelineSummaryView.DesignLine(Designed(false, Pair), Locate));
    }

    [Fact]
    public void A_current_design_says_unchanged_and_a_multi_cell_design_names_each_cell()
    {
        var cells = Designed(true, Pair with { Cell = 1 }, new DesignChoice(2, ["austin", "boston"], 10, 0.05, 1000, null));

        Assert.Equal("geo-plan design: cell 1: chicago, portland for 15 periods, MDE 10.0%, investment 64,564; cell 2: austin, boston for 10 periods, MDE 5.0%, investment 1,000 (unchanged) → /store/reports/geo-plan/design/design.html",
            PipelineSummaryView.DesignLine(cells, Locate));
        Assert.StartsWith("geo-plan design: no design reaches the target power", PipelineSummaryView.DesignLine(Designed(false), Locate));
    }

    [Fact]
    public void Json_points_at_the_design_report_and_lists_the_chosen_design()
    {
        var summary = new PipelineRunSummary(RunId.Parse("run-1"), RunStart.Started, [], [Designed(false, Pair)], [], []);

        using var json = JsonDocument.Parse(PipelineSummaryJson.Write(summary, Locate));
        var m = json.RootElement.GetProperty("measurements")[0];

        Assert.Equal("designed", m.GetProperty("status").GetString());
        Assert.Equal("/store/reports/geo-plan/design/design.html", m.GetProperty("report").GetString());
        var chosen = m.GetProperty("design").GetProperty("chosen")[0];
        Assert.Equal(["chicago", "portland"], chosen.GetProperty("locations").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal((15, 0.1, 64563.75), (chosen.GetProperty("duration").GetInt32(), chosen.GetProperty("mde").GetDouble(), chosen.GetProperty("investment").GetDouble()));
        Assert.Equal("00ff", m.GetProperty("design").GetProperty("inputsHash").GetString());
    }
}
