using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using LiftPipeline.Tests.Ingestion;

namespace LiftPipeline.Tests.Cli;

/// <summary>
/// Odd inputs on every command: a usage error exits 2 with one line naming the option (no .NET type or parameter
/// names), help shows each default once, a failing <c>--json</c> prints an error object, and Ctrl+C stops a watch cleanly.
/// </summary>
public sealed class UsageErrorTests
{
    private static readonly string Prop99 = TestData.Panel("california_prop99.parquet");

    private static readonly string[] Plan = ["power", "--baseline-mean", "20", "--sd", "40", "--relative-mde", "0.05"];

    public static TheoryData<string[], string> UsageErrors() => new()
    {
        { ["measure", Prop99, "--estimator", ""], "--estimator is empty; give one or more of did, sc, difp, sdid, mc, trop, geolift, geolift-ridge, comma separated, or all." },
        { ["measure", Prop99, "--estimator", " , "], "--estimator is empty; give one or more of did, sc, difp, sdid, mc, trop, geolift, geolift-ridge, comma separated, or all." },
        { ["measure", Prop99, "--reps", "-5"], "--reps is -5; give at least 2 replications (default 200)." },
        { ["measure", Prop99, "--solver", "Exact"], "--solver 'Exact' is not a solver; give exact or synthdid. Run 'lift --help' for usage." },
        { ["measure", Prop99, "--alpha", "0.7"], "--alpha: is 0.7; give a significance level strictly between 0 and 0.5, such as 0.05" },
        { ["measure", Prop99, "--control", "vbo"], "--control applies to holdouts; california_prop99.parquet is a panel export." },
        { ["measure", Prop99, "--seed", "x"], "--seed 'x' is not a whole number. Run 'lift --help' for usage." },
        { ["measure", Prop99, "--max-rows", "1e30"], "--max-rows '1e30' is too large; give a whole number up to 9,223,372,036,854,775,807. Run 'lift --help' for usage." },
        { ["measure", Prop99, "--map", "geo=unit"], "--map 'geo' is not a contract column; map one of unit, period, treated, arm, spend, customer_id, segment, surface, market, exposed. Run 'lift --help' for usage." },
        { [.. Plan, "--arms", "99999999999"], "--arms '99999999999' is too large; give a whole number up to 2,147,483,647. Run 'lift --help' for usage." },
        { [.. Plan, "--arms", "-1"], "--arms is -1; give from 1 to 100 treatment arms." },
        { [.. Plan, "--alpha", "2"], "--alpha: is 2; give a significance level strictly between 0 and 0.5, such as 0.05" },
        { [.. Plan, "--power", "1"], "--power is 1; give a probability strictly between 0 and 1, such as 0.8." },
        { ["power", "--baseline-mean", "20", "--sd", "-40", "--relative-mde", "0.05"], "--sd is -40; give a standard deviation above 0." },
        { ["power", "--baseline-mean", "0", "--sd", "40", "--relative-mde", "0.05"], "--baseline-mean is 0; a relative MDE needs a non-zero baseline mean (or give --n-per-arm)." },
        { ["power", "--baseline-mean", "20", "--sd", "40", "--n-per-arm", "1"], "--n-per-arm is 1; give at least 2 customers per arm." },
        { [.. Plan, "--cuped-r2", "1"], "--cuped-r2 is 1; give an R² from 0 up to (not including) 1." },
        { [.. Plan, "--daily-traffic", "0"], "--daily-traffic is 0; give the customers per day, above 0." },
        { ["power", "--baseline-mean", "1e308", "--sd", "1e308", "--relative-mde", "1e-300"], "The plan needs more customers than can be counted; ask for a larger --relative-mde than 1E-300 or a smaller --sd." },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task A_usage_error_exits_2_with_one_line_naming_the_option(string[] args, string line)
    {
        var (code, output, error) = await CliRunner.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(line + Environment.NewLine, error);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--estimator", "sdid")]
    [InlineData("--reps", "50")]
    [InlineData("--se", "jackknife")]
    [InlineData("--solver", "synthdid")]
    public async Task A_panel_only_option_on_a_holdout_is_a_usage_error(string option, string value)
    {
        using var dir = TestData.TempDirectory();
        string export = dir.File("holdout.parquet");
        Experiments.ExperimentExportKit.Write(export, Experiments.ExperimentExportKit.Rows(500), 500);

        var (code, _, error) = await CliRunner.RunAsync("measure", export, "--metric", "revenue", option, value);

        Assert.Equal(2, code);
        Assert.Equal($"{option} applies to panel exports; holdout.parquet is a holdout (customer-level experiment).{Environment.NewLine}", error);
    }

    [Fact]
    public async Task Alpha_on_a_panel_sets_the_interval_level()
    {
        string[] args = ["measure", Prop99, "--estimator", "did", "--se", "placebo", "--reps", "30", "--json"];
        var at95 = await CliRunner.RunAsync(args);
        var at90 = await CliRunner.RunAsync([.. args, "--alpha", "0.1"]);
        var table = await CliRunner.RunAsync("measure", Prop99, "--estimator", "did", "--se", "placebo", "--reps", "30", "--alpha", "0.1");

        Assert.True(at95.ExitCode == 0 && at90.ExitCode == 0 && table.ExitCode == 0, at95.Error + at90.Error + table.Error);
        double Width(string json)
        {
            using var document = JsonDocument.Parse(json);
            var u = document.RootElement.GetProperty("estimates")[0].GetProperty("uncertainty");
            Assert.Equal(30, u.GetProperty("replications").GetInt32());
            return u.GetProperty("ciHigh").GetDouble() - u.GetProperty("ciLow").GetDouble();
        }
        // The same replications (same seed), so the widths differ only by z: 1.644854 / 1.959964.
        Assert.Equal(1.6448536269514722 / 1.959963984540054, Width(at90.Output) / Width(at95.Output), 9);
        Assert.Contains("90% CI", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_not_found_not_corrupt()
    {
        using var dir = TestData.TempDirectory();
        string missing = dir.File("nope.parquet");

        var measured = await CliRunner.RunAsync("measure", missing);
        var inspected = await CliRunner.RunAsync("inspect", missing, "--json");

        Assert.Equal(1, measured.ExitCode);
        Assert.Equal($"{missing}: [not-found] no such file; check the path{Environment.NewLine}", measured.Error);
        using var json = JsonDocument.Parse(inspected.Output);
        Assert.Equal("not-found", json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(1, "data", "measure", "MISSING", "--json")]
    [InlineData(2, "usage", "measure", "PROP99", "--estimator", "magic", "--json")]
    [InlineData(2, "usage", "measure", "PROP99", "--reps", "x", "--json")]
    [InlineData(2, "usage", "power", "--baseline-mean", "20", "--sd", "0", "--relative-mde", "0.05", "--json")]
    public async Task A_failing_json_command_prints_one_error_object(int exitCode, string kind, params string[] args)
    {
        using var dir = TestData.TempDirectory();
        string missing = dir.File("nope.parquet");
        args = [.. args.Select(a => a switch { "MISSING" => missing, "PROP99" => Prop99, _ => a })];

        var (code, output, error) = await CliRunner.RunAsync(args);

        Assert.Equal(exitCode, code);
        using var json = JsonDocument.Parse(output);
        var problem = json.RootElement.GetProperty("error");
        Assert.Equal(exitCode, problem.GetProperty("exitCode").GetInt32());
        Assert.Equal(kind, problem.GetProperty("kind").GetString());
        Assert.Equal(error.Trim(), problem.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Power_warns_when_a_plan_needs_years_of_traffic()
    {
        var (code, output, error) = await CliRunner.RunAsync([.. Plan[..^1], "0.0000001", "--daily-traffic", "1", "--fixed-horizon", "--json"]);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(12_558_207_574_958_542, json.RootElement.GetProperty("days").GetInt64());
        Assert.Equal("warning: this plan needs 12,558,207,574,958,542 days (over 3 years) at this --daily-traffic; detect a larger --relative-mde or plan for more traffic." + Environment.NewLine, error);
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("measure")]
    [InlineData("power")]
    [InlineData("design")]
    [InlineData("run")]
    [InlineData("watch")]
    [InlineData("demo")]
    public async Task Help_shows_each_default_once(string command)
    {
        var (code, output, _) = await CliRunner.RunAsync(command, "--help");

        Assert.Equal(0, code);
        var rows = Rows(output);
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.False(row.Contains("Default:", StringComparison.Ordinal) && row.Contains("[default:", StringComparison.Ordinal), row));
        if (command == "measure")
        {
            Assert.Contains(rows, row => row.StartsWith("--solver <exact|synthdid>", StringComparison.Ordinal) && row.EndsWith("[default: exact]", StringComparison.Ordinal));
        }
        if (command == "watch")
        {
            Assert.Contains(rows, row => row.StartsWith("--poll <poll>", StringComparison.Ordinal) && row.EndsWith("Default: 5s.", StringComparison.Ordinal));
        }
    }

    /// <summary>The option rows of a help text, each with its continuation lines, trimmed.</summary>
    private static List<string> Rows(string help)
    {
        var rows = new List<string>();
        foreach (var line in help.Split('\n').SkipWhile(l => !l.StartsWith("Options:", StringComparison.Ordinal)).Skip(1))
        {
            if (line.StartsWith("  -", StringComparison.Ordinal))
            {
                rows.Add(line.Trim());
            }
            else if (line.StartsWith("    ", StringComparison.Ordinal) && rows.Count > 0)
            {
                rows[^1] += " " + line.Trim();
            }
        }
        return rows;
    }

    [Fact]
    public async Task Map_names_the_files_columns_for_inspect_and_measure()
    {
        using var dir = TestData.TempDirectory();
        string path = dir.File("renamed.parquet");
        using (var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("export-cases", "panel-column-mapping.json"))))
        {
            await ExportCaseWriter.WriteAsync(path, json.RootElement.GetProperty("columns"), json.RootElement.GetProperty("rows"));
        }

        var unmapped = await CliRunner.RunAsync("inspect", path, "--json");
        var mapped = await CliRunner.RunAsync("inspect", path, "--json", "--map", "unit=geo,period=week,treated=is_test");
        var measured = await CliRunner.RunAsync("measure", path, "--map", "unit=geo,period=week,treated=is_test", "--estimator", "did", "--se", "none", "--json");

        Assert.Equal(1, unmapped.ExitCode);
        Assert.Contains("--map unit=geo,period=date", unmapped.Output, StringComparison.Ordinal);
        Assert.True(mapped.ExitCode == 0, mapped.Output);
        Assert.True(measured.ExitCode == 0, measured.Error);
        using var result = JsonDocument.Parse(measured.Output);
        Assert.Equal(["a"], result.RootElement.GetProperty("treatedUnits").EnumerateArray().Select(e => e.GetString()));
        // a rises with b and c before the test and after it: a did estimate of 0.
        Assert.Equal(0, result.RootElement.GetProperty("estimates")[0].GetProperty("att").GetDouble(), 12);
    }

    [Fact]
    public async Task Watch_stops_with_exit_code_0_and_a_stopped_line_on_ctrl_c()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;   // POSIX signals through libc; CI runs on Linux
        }
        using var dir = TestData.TempDirectory();
        // env restores SIGINT's default disposition, which a test host started in the background may have ignored.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "lift.dll"), "watch", "--store", dir.FullName, "--poll", "250ms" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["NO_COLOR"] = "1";
        using var process = new Process { StartInfo = start };
        var lines = new List<string>();
        var watching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
                if (line.Contains(" watching: ", StringComparison.Ordinal))
                {
                    watching.TrySetResult();
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            bool started = await Task.WhenAny(watching.Task, Task.Delay(TimeSpan.FromMinutes(1))) == watching.Task;
            Assert.True(started, "no 'watching' line: " + string.Join(" | ", lines));
            Assert.Equal(0, Kill(process.Id, SigInt));
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "still running after Ctrl+C: " + string.Join(" | ", lines));
            process.WaitForExit();   // the last output lines

            Assert.Equal(0, process.ExitCode);
            Assert.EndsWith(" stopped", lines[^1], StringComparison.Ordinal);
            Assert.Equal("", await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private const int SigInt = 2;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
