using System.Text;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// MeasureCampaign records a design it cannot measure as a failed measurement, and only that: an exception that is not
/// a <see cref="LiftPipeline.Statistics.MeasurementNotPossibleException"/> is a bug and must surface, not become an alert.
/// </summary>
public sealed class MeasurementFailureTests : IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    /// <summary>GeoLift's published test (two treated markets, 38 controls) as campaign geo, DiD with <paramref name="inference"/>.</summary>
    private async Task<FolderStore> CampaignAsync(string inference)
    {
        var store = new FolderStore(Path.Combine(_root.FullName, Guid.NewGuid().ToString("N")));
        await store.WriteAsync("campaigns/geo/campaign.json", Encoding.UTF8.GetBytes($$$"""
            {"id": "geo", "name": "Geo", "design": "panel", "metrics": ["conversions"], "estimators": ["did"], {{{inference}}},
             "treatment": {"start": "2021-04-01"}, "guardrails": {"lateAfterDays": 36500}}
            """));
        await store.WriteAsync("exports/geo/x.parquet", await File.ReadAllBytesAsync(TestData.Panel("GeoLift_Test.parquet")));
        await new ExportArrivedHandler(store, _clock).HandleAsync("exports/geo/x.parquet", RunId.Parse("t"));
        return store;
    }

    [Fact]
    public async Task A_variance_method_the_design_does_not_allow_is_a_failed_measurement_with_the_reason()
    {
        var store = await CampaignAsync("\"variance\": \"placebo\", \"replications\": 1");   // one replication has no spread

        var outcome = await new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock).HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-1"));

        Assert.Equal(CampaignRunStatus.Failed, outcome.Status);
        Assert.Contains("at least two replications", outcome.Message);
        Assert.DoesNotContain('\n', outcome.Message);
        Assert.Single(outcome.Alerts);
    }

    [Fact]
    public async Task A_bug_during_measurement_propagates_instead_of_being_recorded_as_a_failed_measurement()
    {
        var store = await CampaignAsync("\"variance\": \"none\"");
        var handler = new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock) { Progress = new Broken() };

        var bug = await Assert.ThrowsAsync<InvalidOperationException>(() => handler.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-1")));

        Assert.Equal("a bug in a progress display", bug.Message);
        Assert.Null(await new RunLedger(store).ReadAsync(RunId.Parse("run-1")));
        await foreach (var stored in store.ListAsync("alerts/"))
        {
            Assert.Fail($"a bug raised alert {stored.Name}");
        }
    }

    /// <summary>Stands in for any defect inside the measurement: it throws the exception types the handler once swallowed.</summary>
    private sealed class Broken : IProgress<MeasureProgress>
    {
        public void Report(MeasureProgress value) => throw new InvalidOperationException("a bug in a progress display");
    }
}
