using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Cli;

/// <summary><c>lift measure</c> on valid exports whose design does not allow the method: exit code 1 and one line saying why.</summary>
public sealed class MeasureDesignProblemTests : IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    /// <summary>Two controls and two treated units over eight weeks, treated from week six.</summary>
    private async Task<string> TwoByTwoAsync()
    {
        const int N = 4, T = 8;
        var periods = Enumerable.Range(0, T).Select(w => Period.FromDate(new DateOnly(2021, 1, 4).AddDays(7 * w))).ToArray();
        var values = new double[N * T];
        var treated = new bool[N * T];
        for (int u = 0; u < N; u++)
        {
            for (int t = 0; t < T; t++)
            {
                values[u * T + t] = 100 + 10 * u + t + (u * 7 + t * 3) % 5;
                treated[u * T + t] = u >= 2 && t >= 5;
            }
        }
        var panel = new Panel(["austin", "boston", "chicago", "denver"], periods, [new PanelMatrix("conversions", N, T, values)], treated, null);
        string path = Path.Combine(_root.FullName, "two-by-two.parquet");
        await using (var file = File.Create(path))
        {
            await PanelParquetWriter.WriteAsync(panel, file);
        }
        return path;
    }

    [Fact]
    public async Task Placebo_with_as_many_treated_as_control_units_exits_1_with_one_line_naming_the_file_and_the_fix()
    {
        var (code, output, error) = await CliRunner.RunAsync("measure", await TwoByTwoAsync(), "--estimator", "did", "--se", "placebo", "--json");

        Assert.Equal(1, code);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // --json: standard output holds only the error object, with the same line.
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(line, json.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.StartsWith("two-by-two.parquet: Placebo variance needs more control units than treated ones (N0=2, N1=2)", line);
        Assert.Contains("use bootstrap or jackknife", line);
    }

    [Fact]
    public async Task Jackknife_with_one_treated_unit_exits_1_with_one_line()
    {
        var (code, _, error) = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--estimator", "did", "--se", "jackknife");

        Assert.Equal(1, code);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("single treated unit", line);
    }

    [Fact]
    public async Task The_same_export_measures_with_a_method_the_design_allows()
    {
        var (code, _, error) = await CliRunner.RunAsync("measure", await TwoByTwoAsync(), "--estimator", "did", "--se", "time-placebo", "--json");

        Assert.Equal(0, code);
        Assert.Empty(error);
    }
}
