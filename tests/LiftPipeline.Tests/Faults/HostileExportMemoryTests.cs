using System.Text.RegularExpressions;
using LiftPipeline.Tests.Cli;
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

    private static Task<(int ExitCode, string Output, string Error)> RunLiftAsync(params string[] args) =>
        LiftProcess.RunAsync(args, new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = HeapLimit },
            File.Exists("/usr/bin/time") ? ["/usr/bin/time", "-v"] : null);

    [GeneratedRegex(@"Maximum resident set size \(kbytes\): (\d+)")]
    private static partial Regex PeakRss();
}
