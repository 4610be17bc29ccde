using System.Buffers.Binary;
using System.Diagnostics;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Panels;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Ingestion;

/// <summary>Runs alone so that the allocation measured around each mutation is that mutation's own.</summary>
[CollectionDefinition(nameof(ParquetMutationCollection), DisableParallelization = true)]
public sealed class ParquetMutationCollection;

/// <summary>
/// Truncating or flipping bytes of valid files (several writers, a few hundred mutations from a fixed seed)
/// never produces anything but our clear errors: opening, verifying and reading a panel either succeed or throw
/// <see cref="ExportValidationException"/> (corrupt-file for open and verify), within a time limit and without
/// allocating out of all proportion to the file.
/// </summary>
[Collection(nameof(ParquetMutationCollection))]
public sealed class ParquetMutationTests(ITestOutputHelper output)
{
    private const int Seed = 20_251_123;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(10);

    // The largest source is 330 KB and reads with about 15 MB allocated; a damaged one may cost more, not gigabytes.
    private const long AllocationLimit = 256L << 20;

    private static readonly (string Path, bool IsPanel)[] Sources =
    [
        (TestData.Panel("california_prop99.parquet"), true),
        (TestData.Panel("GeoLift_Test_MultiCell.parquet"), true),
        (TestData.Corpus("duckdb-generated", "duckdb_v1_snappy_rg1000.parquet"), false),
        (TestData.Corpus("duckdb-generated", "duckdb_v2_zstd.parquet"), false),
        (TestData.Corpus("parquet-testing", "alltypes_plain.parquet"), false),
        (TestData.Corpus("parquet-testing", "datapage_v1-snappy-compressed-checksum.parquet"), false),
        (TestData.Corpus("parquet-testing", "delta_encoding_optional_column.parquet"), false),
    ];

    [Fact]
    public async Task Unmutated_sources_open_verify_and_read_as_panels()
    {
        foreach (var (path, isPanel) in Sources)
        {
            var mutation = new Mutation(Path.GetFileName(path), File.ReadAllBytes(path), isPanel, MustFail: false);
            var outcome = await RunAsync(mutation);
            Assert.True(outcome.Failure is null, $"{mutation.Id}: {outcome.Failure}");
            Assert.False(outcome.Rejected, $"{mutation.Id} was rejected unmutated");
        }
    }

    [Fact]
    public async Task Seeded_truncations_and_byte_flips_fail_only_with_our_clear_error()
    {
        var mutations = Sources.SelectMany((source, i) => Mutate(source.Path, source.IsPanel, new Random(Seed + i))).ToList();
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        int rejected = 0;
        long maxAllocated = 0;
        foreach (var mutation in mutations)
        {
            var outcome = await RunAsync(mutation);
            maxAllocated = Math.Max(maxAllocated, outcome.Allocated);
            if (outcome.Failure is not null)
            {
                failures.Add($"{mutation.Id}: {outcome.Failure}");
            }
            else if (mutation.MustFail && !outcome.Rejected)
            {
                failures.Add($"{mutation.Id}: opened and verified, but the file lost its end and must be rejected");
            }
            rejected += outcome.Rejected ? 1 : 0;
        }
        output.WriteLine($"{mutations.Count} mutations, {rejected} rejected, {mutations.Count - rejected} still readable, " +
            $"at most {maxAllocated >> 20} MB allocated by one case, {clock.Elapsed.TotalSeconds:F1} s");

        Assert.True(failures.Count == 0, $"{failures.Count} of {mutations.Count} mutations escaped our error:\n{string.Join("\n", failures)}");
        Assert.InRange(mutations.Count, 300, 500);
        Assert.InRange(rejected, mutations.Count / 2, mutations.Count);
    }

    /// <summary>One damaged copy of a source file; <see cref="Id"/> is also the name it is opened under.</summary>
    private sealed record Mutation(string Id, byte[] Bytes, bool IsPanel, bool MustFail);

    /// <summary>How a mutation was handled: <see cref="Failure"/> describes anything but our error, null when all was well.</summary>
    private sealed record Outcome(bool Rejected, string? Failure, long Allocated);

    private static IEnumerable<Mutation> Mutate(string path, bool isPanel, Random random)
    {
        byte[] original = File.ReadAllBytes(path);
        string name = Path.GetFileName(path);
        int length = original.Length;
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(original.AsSpan(length - 8));
        int footerStart = length - 8 - footerLength;

        Mutation Make(string kind, int n, byte[] bytes, bool mustFail = false) => new($"{name}#{kind}-{n}", bytes, isPanel, mustFail);

        byte[] Flip(int from, int to, int count)
        {
            var bytes = (byte[])original.Clone();
            for (int i = 0; i < count; i++)
            {
                bytes[random.Next(from, to)] ^= (byte)random.Next(1, 256);
            }
            return bytes;
        }

        for (int n = 0; n < 8; n++)
        {
            yield return Make("truncate", n, original[..random.Next(0, length)], mustFail: true);
        }
        for (int n = 0; n < 4; n++)
        {
            yield return Make("truncate-footer", n, original[..random.Next(footerStart, length)], mustFail: true);
        }
        for (int n = 0; n < 10; n++)
        {
            yield return Make("flip", n, Flip(0, length, 1));
        }
        for (int n = 0; n < 8; n++)
        {
            yield return Make("flips", n, Flip(0, length, random.Next(2, 17)));
        }
        for (int n = 0; n < 12; n++)
        {
            yield return Make("flip-footer", n, Flip(footerStart, length - 8, random.Next(1, 5)));
        }
        for (int n = 0; n < 6; n++)
        {
            // Runs of 0x00 or 0xFF make page-header varints and lengths zero or huge.
            var bytes = (byte[])original.Clone();
            int start = random.Next(0, length);
            bytes.AsSpan(start, Math.Min(random.Next(1, 65), length - start)).Fill(n % 2 == 0 ? (byte)0x00 : (byte)0xFF);
            yield return Make("overwrite", n, bytes);
        }
        uint[] lengths = [(uint)footerLength + 1, (uint)footerLength - 1, 0, uint.MaxValue, (uint)length, (uint)random.Next(1, length)];
        for (int n = 0; n < lengths.Length; n++)
        {
            var bytes = (byte[])original.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(length - 8), lengths[n]);
            yield return Make("footer-length", n, bytes, mustFail: lengths[n] is 0 or uint.MaxValue || lengths[n] > length - 12);
        }
    }

    private static async Task<Outcome> RunAsync(Mutation mutation)
    {
        using var cancel = new CancellationTokenSource();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var work = Task.Run(() => ExerciseAsync(mutation, cancel.Token));
        Outcome outcome;
        try
        {
            outcome = await work.WaitAsync(CaseTimeout);
        }
        catch (TimeoutException)
        {
            await cancel.CancelAsync();
            return new Outcome(false, $"did not finish within {CaseTimeout.TotalSeconds} s", 0);
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        return allocated > AllocationLimit && outcome.Failure is null
            ? outcome with { Failure = $"allocated {allocated >> 20} MB", Allocated = allocated }
            : outcome with { Allocated = allocated };
    }

    private static async Task<Outcome> ExerciseAsync(Mutation mutation, CancellationToken cancellationToken)
    {
        bool rejected = false;
        try
        {
            await using (var file = await ExportFile.OpenAsync(new MemoryStream(mutation.Bytes, writable: false), mutation.Id, cancellationToken: cancellationToken))
            {
                await file.VerifyAsync(cancellationToken);
            }
        }
        catch (ExportValidationException e)
        {
            if (Unclear(e, mutation, ExportErrorCodes.CorruptFile) is { } problem)
            {
                return new Outcome(true, $"open/verify: {problem}", 0);
            }
            rejected = true;
        }
        catch (Exception e)
        {
            return new Outcome(rejected, $"open/verify threw {Describe(e)}", 0);
        }
        if (!mutation.IsPanel)
        {
            return new Outcome(rejected, null, 0);
        }
        try
        {
            await using var file = await ExportFile.OpenAsync(new MemoryStream(mutation.Bytes, writable: false), mutation.Id, cancellationToken: cancellationToken);
            var panel = await PanelExportReader.ReadAsync(file, cancellationToken: cancellationToken);
            if (panel.Units.Count == 0 || panel.Periods.Count == 0)
            {
                return new Outcome(rejected, "the panel reader returned an empty panel", 0);
            }
        }
        catch (ExportValidationException e)
        {
            if (Unclear(e, mutation, code: null) is { } problem)
            {
                return new Outcome(rejected, $"panel: {problem}", 0);
            }
        }
        catch (Exception e)
        {
            return new Outcome(rejected, $"panel reader threw {Describe(e)}", 0);
        }
        return new Outcome(rejected, null, 0);
    }

    // Our error, but the wrong code, a message that does not start with the file's name, or hiding an out-of-memory.
    private static string? Unclear(ExportValidationException e, Mutation mutation, string? code)
    {
        if (code is not null && e.Code != code)
        {
            return $"code {e.Code} instead of {code}: {e.Message}";
        }
        if (!e.Message.StartsWith($"{mutation.Id}: [", StringComparison.Ordinal))
        {
            return $"message does not start with the file name: {e.Message}";
        }
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is OutOfMemoryException or InsufficientExecutionStackException or StackOverflowException)
            {
                return $"wraps {Describe(inner)}";
            }
        }
        return null;
    }

    private static string Describe(Exception e)
    {
        var frame = new StackTrace(e).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("LiftPipeline", StringComparison.Ordinal) == true);
        string where = frame?.GetMethod() is { } method ? $" in {method.DeclaringType?.Name}.{method.Name}" : "";
        return $"{e.GetType().Name}{where}: {e.Message}";
    }
}
