using System.Globalization;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Ingestion;

/// <summary>The reference panels load to their documented shapes and to exactly the values of the original CSVs.</summary>
public sealed class PanelExportReaderTests
{
    [Fact]
    public async Task Prop99_loads_as_39_states_by_31_years_with_12_treated_cells()
    {
        var panel = await PanelExportReader.ReadAsync(TestData.Panel("california_prop99.parquet"));

        Assert.Equal(39, panel.Units.Count);
        Assert.Equal(31, panel.Periods.Count);
        Assert.Equal(12, panel.TreatedCellCount);
        Assert.Equal(["California"], panel.TreatedUnits.Select(u => panel.Units[u]));
        Assert.Equal(Period.FromInteger(1970), panel.Periods[0]);
        Assert.Equal(Period.FromInteger(2000), panel.Periods[^1]);
        Assert.Equal(19, panel.FirstTreatedPeriods[panel.TreatedUnits[0]]);
        Assert.Equal(["packs_per_capita"], panel.MetricNames);
        Assert.Null(panel.Arms);
    }

    [Fact]
    public async Task Prop99_matches_the_original_csv_in_every_cell()
    {
        var panel = await PanelExportReader.ReadAsync(TestData.Panel("california_prop99.parquet"));
        var csv = File.ReadLines(TestData.Panel("california_prop99.csv")).Skip(1).Select(line => line.Split(';')).ToArray();
        var metric = panel.Metric("packs_per_capita");

        Assert.Equal(panel.Units.Count * panel.Periods.Count, csv.Length);
        foreach (var row in csv)
        {
            int u = IndexOf(panel.Units, row[0]);
            int t = IndexOf(panel.Periods, Period.FromInteger(long.Parse(row[1], CultureInfo.InvariantCulture)));
            Assert.Equal(double.Parse(row[2], CultureInfo.InvariantCulture), metric[u, t], 6);
            Assert.Equal(row[3] == "1", panel.IsTreated(u, t));
        }
    }

    [Theory]
    [InlineData("GeoLift_Test", 105, 30)]
    [InlineData("GeoLift_PreTest", 90, 0)]
    [InlineData("GeoLift_Test_MultiCell", 105, 60)]
    public async Task GeoLift_panels_load_with_dates_and_match_the_original_csv(string name, int periods, int treatedCells)
    {
        var panel = await PanelExportReader.ReadAsync(TestData.Panel(name + ".parquet"));
        var csv = File.ReadLines(TestData.Panel(name + ".csv")).Skip(1).Select(line => line.Replace("\"", "").Split(',')).ToArray();
        var conversions = panel.Metric("conversions");

        Assert.Equal(40, panel.Units.Count);
        Assert.Equal(periods, panel.Periods.Count);
        Assert.Equal(treatedCells, panel.TreatedCellCount);
        Assert.Equal(new DateOnly(2021, 1, 1), panel.Periods[0].ToDate());
        Assert.Equal(csv.Length, panel.Units.Count * panel.Periods.Count);
        foreach (var row in csv)
        {
            int u = IndexOf(panel.Units, row[0]);
            int t = IndexOf(panel.Periods, Period.FromDate(DateOnly.Parse(row[2], CultureInfo.InvariantCulture)));
            Assert.Equal(double.Parse(row[1], CultureInfo.InvariantCulture), conversions[u, t]);
        }
    }

    [Fact]
    public async Task GeoLift_test_treats_chicago_and_portland_from_april_first_for_15_days()
    {
        var panel = await PanelExportReader.ReadAsync(TestData.Panel("GeoLift_Test.parquet"));

        Assert.Equal(["chicago", "portland"], panel.TreatedUnits.Select(u => panel.Units[u]));
        foreach (int u in panel.TreatedUnits)
        {
            Assert.Equal(new DateOnly(2021, 4, 1), panel.Periods[panel.FirstTreatedPeriods[u]].ToDate());
        }
        Assert.Equal(38, panel.ControlUnits.Count);
    }

    [Fact]
    public async Task Multi_cell_panel_carries_each_units_arm()
    {
        var panel = await PanelExportReader.ReadAsync(TestData.Panel("GeoLift_Test_MultiCell.parquet"));

        Assert.NotNull(panel.Arms);
        var cells = panel.Units.Select((unit, u) => (unit, arm: panel.Arms![u])).Where(x => x.arm != "control").ToArray();
        Assert.Equal([("chicago", "cell1"), ("cincinnati", "cell1"), ("honolulu", "cell2"), ("indianapolis", "cell2")], cells.Select(c => (c.unit, c.arm!)));
        Assert.Equal(36, panel.Arms!.Count(a => a == "control"));
    }

    [Fact]
    public async Task Units_are_sorted_ordinally_and_periods_ascending()
    {
        var panel = await PanelExportReader.ReadAsync(TestData.Panel("GeoLift_Test.parquet"));

        Assert.Equal(panel.Units.Order(StringComparer.Ordinal), panel.Units);
        Assert.Equal(panel.Periods.Order(), panel.Periods);
    }

    private static int IndexOf<T>(IReadOnlyList<T> items, T item)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(items[i], item))
            {
                return i;
            }
        }
        throw new KeyNotFoundException($"{item} not found");
    }
}
