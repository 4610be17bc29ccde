using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// The real <c>lift</c> executable in a child process whose GC heap is capped at 512 MB: the hostile exports of
/// <see cref="HostileExportTests"/> must be quarantined, and the valid ones merged, within that heap.
/// </summary>
public sealed partial class HostileExportMemoryTests(ITestOutputHelper output)
{
    private const string HeapLimit = "0x20000000";

    [Fact]
    public async Task Lift_run_under_a_512_MB_heap_quarantines_hostile_exports_and_merges_the_valid_ones()
    {
        using var dir = TestData.TempDirectory();
        await HostileExportTests.WriteHostileStoreAsync(dir.FullName);

        var (code, stdout, stderr) = await RunLiftAsync("run", "--store", dir.FullName);

        // Peak resident memory of the whole process (runtime included), for the record; not asserted.
        if (PeakRss().Match(stderr) is { Success: true } peak)
        {
            output.WriteLine($"peak RSS {long.Parse(peak.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) / 1024} MB under DOTNET_GCHeapHardLimit={HeapLimit}");
        }
        HostileExportTests.AssertHostileStoreHandled(dir.FullName, code, stdout + stderr);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunLiftAsync(params string[] args)
    {
        string lift = Path.Combine(AppContext.BaseDirectory, "lift.dll");
        bool timed = File.Exists("/usr/bin/time");
        var start = new ProcessStartInfo(timed ? "/usr/bin/time" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (timed)
        {
            start.ArgumentList.Add("-v");
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(lift);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_GCHeapHardLimit"] = HeapLimit;
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"Maximum resident set size \(kbytes\): (\d+)")]
    private static partial Regex PeakRss();
}
