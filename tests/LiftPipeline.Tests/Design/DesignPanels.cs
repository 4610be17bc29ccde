using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Tests.Design;

/// <summary>The design panels the geo design tests share, loaded once per test run.</summary>
internal static class DesignPanels
{
    private static readonly Lazy<GeoDesignPanel> PreTestPanel = new(() =>
        GeoDesignPanel.FromPanel(PanelExportReader.ReadAsync(TestData.Panel("GeoLift_PreTest.parquet")).GetAwaiter().GetResult(), "conversions"));

    /// <summary>GeoLift_PreTest: 40 US cities × 90 days of conversions, nothing treated.</summary>
    public static GeoDesignPanel PreTest => PreTestPanel.Value;

    /// <summary>GeoLift's published walkthrough settings (GeoLiftMarketSelection vignette).</summary>
    public static GeoDesignOptions Walkthrough => LiftPipeline.Simulation.GeoLiftWalkthrough.Options;
}
