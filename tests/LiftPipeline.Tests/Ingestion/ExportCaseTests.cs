using System.Text.Json;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Ingestion.Panels;

namespace LiftPipeline.Tests.Ingestion;

/// <summary>
/// Runs every case in tests/data/export-cases: a small export described in JSON (columns with Parquet types, rows,
/// reader options) and what reading it must give — a clean read with the stated shape, or an error with the
/// stated code, column and rows. Adding a case means adding a file.
/// </summary>
public sealed class ExportCaseTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(TestData.Path("export-cases"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(path));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Export_case_reads_as_described(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("export-cases", name + ".json")));
        var root = json.RootElement;
        using var temp = TestData.TempDirectory();
        string path = temp.File(name + ".parquet");
        await ExportCaseWriter.WriteAsync(path, root.GetProperty("columns"), root.GetProperty("rows"));
        var expect = root.GetProperty("expect");
        bool panel = root.GetProperty("contract").GetString() == "panel";
        var options = root.TryGetProperty("options", out var o) ? o : default;

        if (expect.TryGetProperty("valid", out _))
        {
            if (panel)
            {
                await AssertPanelAsync(path, options, expect);
            }
            else
            {
                await AssertExperimentAsync(path, options, expect);
            }
            return;
        }
        var error = await Assert.ThrowsAsync<ExportValidationException>(() => panel ? ReadPanelAsync(path, options) : ReadExperimentAsync(path, options));
        string code = expect.GetProperty("code").GetString()!;
        var match = error.Errors.FirstOrDefault(e => e.Code == code);
        Assert.True(match is not null, $"expected a {code} error, got: {error.Message}");
        Assert.Equal(expect.GetProperty("column").ValueKind == JsonValueKind.Null ? null : expect.GetProperty("column").GetString(), match!.Column);
        Assert.Equal(expect.GetProperty("rows").EnumerateArray().Select(r => r.GetInt64()), match.Rows);
        Assert.StartsWith(path + ": [", error.Message, StringComparison.Ordinal);
        if (expect.TryGetProperty("messageContains", out var fragment))
        {
            Assert.Contains(fragment.GetString()!, error.Message, StringComparison.Ordinal);
        }
    }

    private static async Task AssertPanelAsync(string path, JsonElement options, JsonElement expect)
    {
        var panel = await ReadPanelAsync(path, options);
        Assert.Equal(expect.GetProperty("units").GetInt32(), panel.Units.Count);
        Assert.Equal(expect.GetProperty("periods").GetInt32(), panel.Periods.Count);
        Assert.Equal(expect.GetProperty("treatedCells").GetInt32(), panel.TreatedCellCount);
        if (expect.TryGetProperty("firstPeriod", out var first))
        {
            Assert.Equal(first.GetString(), panel.Periods[0].ToString());
        }
        if (expect.TryGetProperty("metrics", out var metrics))
        {
            Assert.Equal(metrics.EnumerateArray().Select(m => m.GetString()!), panel.MetricNames);
        }
        if (expect.TryGetProperty("spend", out var spend))
        {
            double total = 0;
            foreach (double v in panel.Spend!.Values)
            {
                total += v;
            }
            Assert.Equal(spend.GetDouble(), total, 9);
        }
        else
        {
            Assert.Null(panel.Spend);
        }
    }

    private static async Task AssertExperimentAsync(string path, JsonElement options, JsonElement expect)
    {
        var (reader, rows) = await ReadExperimentAsync(path, options);
        Assert.Equal(expect.GetProperty("rows").GetInt64(), rows);
        Assert.Equal(expect.GetProperty("arms").EnumerateArray().Select(a => a.GetString()!), reader.Arms.Names);
        Assert.Equal(expect.GetProperty("outcomes").EnumerateArray().Select(a => a.GetString()!), reader.Outcomes);
        Assert.Equal(expect.GetProperty("covariates").EnumerateArray().Select(a => a.GetString()!), reader.Covariates);
    }

    private static async Task<Statistics.Panels.Panel> ReadPanelAsync(string path, JsonElement options) =>
        await PanelExportReader.ReadAsync(path, new PanelExportOptions
        {
            Columns = Mapping(options),
            CountMetrics = Strings(options, "countMetrics").ToHashSet(),
            Metrics = options.ValueKind == JsonValueKind.Object && options.TryGetProperty("metrics", out _) ? Strings(options, "metrics").ToArray() : null,
            AllowTreatmentReversal = options.ValueKind == JsonValueKind.Object && options.TryGetProperty("allowTreatmentReversal", out var allow) && allow.GetBoolean(),
        });

    private static async Task<(ExperimentExportReader Reader, long Rows)> ReadExperimentAsync(string path, JsonElement options)
    {
        await using var file = await ExportFile.OpenAsync(path);
        var reader = ExperimentExportReader.Open(file, ExperimentOptions(options));
        long rows = 0;
        await foreach (var batch in reader.ReadBatchesAsync())
        {
            rows += batch.Count;
        }
        return (reader, rows);
    }

    private static ExperimentExportOptions ExperimentOptions(JsonElement options) => new()
    {
        Columns = Mapping(options),
        CountOutcomes = Strings(options, "countMetrics").ToHashSet(),
    };

    private static ColumnMapping Mapping(JsonElement options)
    {
        var mapping = ColumnMapping.Default;
        if (options.ValueKind == JsonValueKind.Object && options.TryGetProperty("mapping", out var map))
        {
            foreach (var entry in map.EnumerateObject())
            {
                mapping = mapping.With(entry.Name, entry.Value.GetString()!);
            }
        }
        return mapping;
    }

    private static IEnumerable<string> Strings(JsonElement options, string name) =>
        options.ValueKind == JsonValueKind.Object && options.TryGetProperty(name, out var list)
            ? list.EnumerateArray().Select(v => v.GetString()!)
            : [];
}
