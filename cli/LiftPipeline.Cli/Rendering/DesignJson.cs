using System.Text;
using System.Text.Json;
using LiftPipeline.Statistics.Design;
using Reports = LiftPipeline.Pipeline.Reports;

namespace LiftPipeline.Cli.Rendering;

/// <summary>The <c>--json</c> objects of <c>lift design</c> and <c>lift power --design geo</c>: one object each, numbers unrounded.</summary>
internal static class DesignJson
{
    /// <summary><c>{"design":"geo","candidates":[…],"simulations":n}</c>.</summary>
    public static string Selection(MarketSelection selection) => Write(writer =>
    {
        writer.WriteString("design", "geo");
        writer.WriteStartArray("candidates");
        foreach (var candidate in selection.Candidates)
        {
            Reports.DesignJson.WriteCandidate(writer, candidate, cell: null, selection.Options.TestAlpha);
        }
        writer.WriteEndArray();
        writer.WriteNumber("simulations", selection.Simulations);
        Test(writer, selection.Options);
    });

    /// <summary>As <see cref="Selection"/>, every cell's candidates together with their <c>cell</c> (1-based), then <c>"cells"</c>: each cell's pool of markets.</summary>
    public static string MultiCell(MultiCellSelection selection) => Write(writer =>
    {
        writer.WriteString("design", "geo");
        writer.WriteStartArray("candidates");
        for (int c = 0; c < selection.Cells.Count; c++)
        {
            foreach (var candidate in selection.Cells[c].Candidates)
            {
                Reports.DesignJson.WriteCandidate(writer, candidate, cell: c + 1, selection.Cells[c].Options.TestAlpha);
            }
        }
        writer.WriteEndArray();
        writer.WriteNumber("simulations", selection.Simulations);
        writer.WriteStartArray("cells");
        foreach (var markets in selection.CellMarkets)
        {
            Strings(writer, null, markets);
        }
        writer.WriteEndArray();
        if (selection.Cells.Count > 0)
        {
            Test(writer, selection.Cells[0].Options);
        }
    });

    /// <summary>
    /// <c>{"design":"geo","locations":[…],"controls":[…]|null,"curve":[…],"calibration":[…],"simulations":n}</c>;
    /// <paramref name="controls"/> null means every other market.
    /// </summary>
    public static string Curve(GeoPowerCurve curve, IReadOnlyList<string>? controls, GeoDesignOptions options) => Write(writer =>
    {
        writer.WriteString("design", "geo");
        Strings(writer, "locations", curve.Locations);
        if (controls is null)
        {
            writer.WriteNull("controls");
        }
        else
        {
            Strings(writer, "controls", controls);
        }
        writer.WriteStartArray("curve");
        foreach (var point in curve.Points)
        {
            Reports.DesignJson.WritePoint(writer, point);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("calibration");
        foreach (var calibration in curve.Calibration)
        {
            Reports.DesignJson.WriteCalibration(writer, calibration);
        }
        writer.WriteEndArray();
        writer.WriteNumber("simulations", curve.Simulations);
        Test(writer, options);
    });

    /// <summary>
    /// <c>{"design":"geo","cells":[[…]…],"curves":[{"cell","locations","curve":[…],"calibration":[…]}],
    /// "comparisons":[{"cellA","cellB","duration","baseLift","winningMultiple"}],"simulations":n}</c>: cells numbered from 1
    /// in the order given, one curve per cell over every duration, <c>winningMultiple</c> null when none tried wins.
    /// </summary>
    public static string Cells(IReadOnlyList<IReadOnlyList<string>> cells, IReadOnlyList<CellComparisons> comparisons, GeoDesignOptions options) => Write(writer =>
    {
        writer.WriteString("design", "geo");
        writer.WriteStartArray("cells");
        foreach (var cell in cells)
        {
            Strings(writer, null, cell);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("curves");
        int simulations = 0;
        for (int c = 0; c < cells.Count; c++)
        {
            writer.WriteStartObject();
            writer.WriteNumber("cell", c + 1);
            Strings(writer, "locations", cells[c]);
            writer.WriteStartArray("curve");
            foreach (var point in comparisons.SelectMany(d => d.Curves[c].Points))
            {
                Reports.DesignJson.WritePoint(writer, point);
            }
            writer.WriteEndArray();
            writer.WriteStartArray("calibration");
            foreach (var calibration in comparisons.SelectMany(d => d.Curves[c].Calibration))
            {
                Reports.DesignJson.WriteCalibration(writer, calibration);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            simulations += comparisons.Sum(d => d.Curves[c].Simulations);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("comparisons");
        foreach (var pair in comparisons.SelectMany(d => d.Pairs))
        {
            writer.WriteStartObject();
            writer.WriteNumber("cellA", CellNumber(cells, pair.CellA));
            writer.WriteNumber("cellB", CellNumber(cells, pair.CellB));
            writer.WriteNumber("duration", pair.Duration);
            writer.WriteNumber("baseLift", pair.BaseLift);
            if (pair.WinningMultiple is double multiple)
            {
                writer.WriteNumber("winningMultiple", multiple);
            }
            else
            {
                writer.WriteNull("winningMultiple");
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteNumber("simulations", simulations);
        Test(writer, options);
    });

    /// <summary>
    /// <c>"test":{"interval":"always-valid"|"fixed-horizon","alpha":α,"testAlpha":α′,"reason":"…"}</c>: the interval the
    /// design plans for, its level, the level each simulated test rejects at (α′ = α for the fixed-horizon test) and why.
    /// </summary>
    private static void Test(Utf8JsonWriter writer, GeoDesignOptions options)
    {
        writer.WriteStartObject("test");
        writer.WriteString("interval", DesignView.Interval(options));
        writer.WriteNumber("alpha", options.Alpha);
        writer.WriteNumber("testAlpha", options.TestAlpha);
        writer.WriteString("reason", DesignView.LevelReason(options));
        writer.WriteEndObject();
    }

    /// <summary>The 1-based number of the cell whose markets are <paramref name="markets"/>.</summary>
    public static int CellNumber(IReadOnlyList<IReadOnlyList<string>> cells, IReadOnlyList<string> markets)
    {
        for (int c = 0; c < cells.Count; c++)
        {
            if (cells[c].SequenceEqual(markets, StringComparer.OrdinalIgnoreCase))
            {
                return c + 1;
            }
        }
        return 0;
    }

    private static void Strings(Utf8JsonWriter writer, string? name, IEnumerable<string> values)
    {
        if (name is null)
        {
            writer.WriteStartArray();
        }
        else
        {
            writer.WriteStartArray(name);
        }
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
