using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Estimators;

/// <summary>The reference panels of tests/data/panels, loaded once per test run.</summary>
internal static class ReferencePanels
{
    private static readonly Lazy<Panel> Prop99Panel = new(() => Load("california_prop99.parquet"));
    private static readonly Lazy<Panel> GeoLiftTestPanel = new(() => Load("GeoLift_Test.parquet"));
    private static readonly Lazy<Panel> GeoLiftMultiCellPanel = new(() => Load("GeoLift_Test_MultiCell.parquet"));

    /// <summary>California Proposition 99: 38 controls, California treated 1989–2000, metric packs_per_capita.</summary>
    public static BlockPanel Prop99 => BlockPanel.FromPanel(Prop99Panel.Value, "packs_per_capita");

    public static Panel Prop99AsPanel => Prop99Panel.Value;

    /// <summary>GeoLift_Test: 38 controls, chicago and portland treated the last 15 of 105 days, metric conversions.</summary>
    public static BlockPanel GeoLiftTest => BlockPanel.FromPanel(GeoLiftTestPanel.Value, "conversions");

    public static Panel GeoLiftTestAsPanel => GeoLiftTestPanel.Value;

    public static Panel GeoLiftMultiCell => GeoLiftMultiCellPanel.Value;

    private static Panel Load(string file) => PanelExportReader.ReadAsync(TestData.Panel(file)).GetAwaiter().GetResult();
}
