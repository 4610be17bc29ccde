using System.Globalization;
using System.Text.Json;
using LiftPipeline.Tests.Audiences;

namespace LiftPipeline.Tests.Cli;

/// <summary>
/// <c>lift audience assign</c> and <c>lift audience export</c> in-process: the files they write, their one-line summaries,
/// usage errors (exit 2) and data problems (exit 1) as one line each.
/// </summary>
public sealed class AudienceCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audience-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Customers(int rows = 3_000) => CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(rows), rowGroupSize: 1_000);

    /// <summary>The assign command line; an option in <paramref name="more"/> replaces the default one of that name.</summary>
    private string[] Assign(string customers, params string[] more)
    {
        var options = new List<string> { "--audience", "bargain-hunters", "--salt", "spring-2026", "--allocation", "holdout=0.2,vbo_1p=0.8", "--out", Path.Combine(_folder, "assignment.parquet") };
        for (int i = 0; i < more.Length; i += 2)
        {
            int at = options.IndexOf(more[i]);
            if (at >= 0)
            {
                options[at + 1] = more[i + 1];
            }
            else
            {
                options.AddRange([more[i], more[i + 1]]);
            }
        }
        return ["audience", "assign", customers, .. options];
    }

    [Fact]
    public async Task Assign_writes_the_assignment_and_says_how_the_arms_came_out()
    {
        var (code, output, error) = await CliRunner.RunAsync(Assign(Customers()));

        Assert.Equal(0, code);
        Assert.Equal("", error);
        string path = Path.Combine(_folder, "assignment.parquet");
        var counts = CustomerExportKit.Query($"SELECT arm, count(*) FROM '{path}' GROUP BY arm ORDER BY arm");
        long holdout = Convert.ToInt64(counts[0][1], CultureInfo.InvariantCulture);
        long treated = Convert.ToInt64(counts[1][1], CultureInfo.InvariantCulture);
        Assert.Equal(3_000, holdout + treated);
        Assert.StartsWith($"bargain-hunters: 3,000 of 3,000 customers assigned — holdout {holdout:N0} ({100.0 * holdout / 3_000:F1} %), vbo_1p {treated:N0}", output, StringComparison.Ordinal);
        Assert.Contains("Salt 'spring-2026', hash sha256-be64-mod10000-v1.", output, StringComparison.Ordinal);
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public async Task Assign_in_a_layer_keeps_only_the_tests_range()
    {
        var (code, output, _) = await CliRunner.RunAsync(Assign(Customers(), "--layer", "q2", "--layer-salt", "layer-q2", "--layer-range", "0-2500"));

        Assert.Equal(0, code);
        long rows = Convert.ToInt64(CustomerExportKit.Scalar($"SELECT count(*) FROM '{Path.Combine(_folder, "assignment.parquet")}' WHERE layer = 'q2'"), CultureInfo.InvariantCulture);
        Assert.InRange(rows, 600, 900);
        Assert.Contains($"{rows:N0} of 3,000 customers assigned", output, StringComparison.Ordinal);
        Assert.Contains($"layer q2 buckets 0-2500: {3_000 - rows:N0} customers left to the layer's other tests", output, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> AssignUsageErrors => new()
    {
        { ["--allocation", "holdout=0.2,vbo_1p=0.7"], "--allocation: the arms' shares sum to 0.9; planned shares must sum to 1." },
        { ["--allocation", "holdout=0.15555,vbo_1p=0.84445"], "--allocation: arm 'holdout' has share 0.15555; give a share strictly between 0 and 1 in whole basis points (a multiple of 0.0001)." },
        { ["--layer", "q2"], "--layer, --layer-salt and --layer-range go together; give all three or none." },
        { ["--layer", "q2", "--layer-salt", "x", "--layer-range", "half"], "--layer-range 'half' is not FROM-TO; give bucket bounds such as 0-5000." },
        { ["--layer", "q2", "--layer-salt", "spring-2026", "--layer-range", "0-10"], "the test's salt equals layer 'q2''s salt; give the test a salt of its own." },
        { ["--audience", "Bargain Hunters"], "--audience 'Bargain Hunters' is not a name of 1 to 64 lower-case letters, digits and dashes." },
    };

    [Theory]
    [MemberData(nameof(AssignUsageErrors))]
    public async Task Assign_usage_errors_exit_2_with_one_line(string[] more, string line)
    {
        var (code, output, error) = await CliRunner.RunAsync(Assign(Customers(20), more));

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(line + Environment.NewLine, error);
    }

    [Fact]
    public async Task Assign_without_a_salt_is_a_usage_error()
    {
        var (code, _, error) = await CliRunner.RunAsync("audience", "assign", Customers(20), "--audience", "a", "--allocation", "holdout=0.5,vbo=0.5", "--out", "x.parquet");

        Assert.Equal(2, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--salt", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assign_on_a_broken_export_exits_1_with_one_line_naming_file_and_column()
    {
        string broken = CustomerExportKit.Write(_folder, "broken.parquet", $"SELECT * EXCLUDE (as_of) FROM ({CustomerExportKit.Rows(20)})");

        var (code, output, error) = await CliRunner.RunAsync(Assign(broken));

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith($"{broken}: [missing-column] column 'as_of': required column is missing", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "assignment.parquet")));
    }

    [Fact]
    public async Task Export_writes_one_csv_per_surface_and_reports_the_suppressed_one()
    {
        string customers = Customers(1_200);
        Assert.Equal(0, (await CliRunner.RunAsync(Assign(customers))).ExitCode);

        var (code, output, error) = await CliRunner.RunAsync("audience", "export", customers, "--members", Path.Combine(_folder, "assignment.parquet"),
            "--audience", "bargain-hunters", "--out", Path.Combine(_folder, "activations"), "--date", "2026-07-01", "--surfaces", "meta,tiktok");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        string meta = Path.Combine(_folder, "activations", "bargain-hunters", "meta", "2026-07-01.csv");
        long rows = File.ReadLines(meta).Count() - 1;
        var lines = output.TrimEnd().Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("bargain-hunters: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"  meta: {rows:N0} customers (", lines[1], StringComparison.Ordinal);
        Assert.Equal($"  tiktok: suppressed: {rows:N0} customers with a usable email or phone, below TikTok's minimum of 1,000", lines[2]);
        Assert.InRange(rows, 800, 999);
        Assert.False(Directory.Exists(Path.Combine(_folder, "activations", "bargain-hunters", "google")));
    }

    [Theory]
    [InlineData("--surfaces", "myspace", "--surfaces 'myspace' is not a surface; give meta, google, tiktok, comma separated.")]
    [InlineData("--date", "01/07/2026", "--date '01/07/2026' is not a date; give yyyy-MM-dd.")]
    [InlineData("--phone-country-code", "049", "--phone-country-code '049' is not a calling code; give 1 to 3 digits such as 49.")]
    public async Task Export_usage_errors_exit_2_with_one_line(string option, string value, string line)
    {
        string customers = Customers(20);

        var (code, _, error) = await CliRunner.RunAsync("audience", "export", customers, "--members", customers, "--audience", "a", "--out", _folder, option, value);

        Assert.Equal(2, code);
        Assert.Equal(line + Environment.NewLine, error);
    }

    [Fact]
    public async Task Export_without_contact_columns_exits_1_with_one_line()
    {
        string customers = CustomerExportKit.Write(_folder, "plain.parquet", $"SELECT * EXCLUDE (email, phone) FROM ({CustomerExportKit.Rows(20)})");

        var (code, _, error) = await CliRunner.RunAsync("audience", "export", customers, "--members", customers, "--audience", "a", "--out", _folder);

        Assert.Equal(1, code);
        Assert.Equal($"{customers}: no email or phone column (map them with --map email=…,phone=…); nothing to activate.{Environment.NewLine}", error);
    }

    [Fact]
    public async Task Inspect_recognises_a_customers_export_and_validates_it_for_audiences()
    {
        string customers = CustomerExportKit.Write(_folder, "renamed.parquet", $"SELECT * RENAME (as_of AS snapshot_date) FROM ({CustomerExportKit.Rows(500)})");

        var (code, output, _) = await CliRunner.RunAsync("inspect", customers, "--json", "--map", "as_of=snapshot_date");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("customers", json.RootElement.GetProperty("contract").GetString());
        Assert.Equal("audiences", json.RootElement.GetProperty("validFor").GetString());
        Assert.Equal(500, json.RootElement.GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task Inspect_lists_a_customers_exports_problems_and_exits_1()
    {
        string customers = CustomerExportKit.Write(_folder, "broken.parquet",
            $"SELECT * REPLACE (CASE WHEN customer_id = 'c7' THEN -2 ELSE orders END AS orders) FROM ({CustomerExportKit.Rows(50)})");

        var (code, output, _) = await CliRunner.RunAsync("inspect", customers, "--json");

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("customers", json.RootElement.GetProperty("contract").GetString());
        // The negative count, then what follows from it: its discounted orders (0) now exceed its orders.
        var errors = json.RootElement.GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal(["negative-count", "invalid-value"], errors.Select(e => e.GetProperty("code").GetString()));
        Assert.Equal("discounted_orders", errors[1].GetProperty("column").GetString());
        var error = errors[0];
        Assert.Equal("orders", error.GetProperty("column").GetString());
        Assert.Equal([7L], error.GetProperty("rows").EnumerateArray().Select(r => r.GetInt64()));
    }

    [Fact]
    public async Task Measure_on_a_customers_export_points_to_the_audience_commands()
    {
        string customers = Customers();

        var (code, _, error) = await CliRunner.RunAsync("measure", customers);

        Assert.Equal(2, code);
        Assert.Equal("customers.parquet is a customers export (the audience source), not a panel or holdout export; use lift audience assign or lift audience export.", error.Trim());
    }

    [Fact]
    public async Task A_cancelled_assign_stops_cleanly_and_leaves_no_file()
    {
        string customers = Customers();
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        var (code, _, error) = await CliRunner.RunAsync(LiftPipeline.Cli.Hosting.CliHost.System, stop.Token, Assign(customers));

        Assert.Equal(130, code);
        Assert.Equal("lift audience assign stopped (Ctrl+C) before it finished.", error.Trim());
        Assert.Equal(["customers.parquet"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Help_names_every_option()
    {
        var (code, output, _) = await CliRunner.RunAsync("audience", "assign", "--help");

        Assert.Equal(0, code);
        foreach (string option in new[] { "--audience", "--salt", "--allocation", "--out", "--layer", "--layer-salt", "--layer-range", "--map" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }
}
