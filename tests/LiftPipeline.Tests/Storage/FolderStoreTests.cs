using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Storage;

/// <summary>What <see cref="FolderStore"/> promises beyond the shared contract: files, hashes, side files, lease expiry.</summary>
public sealed class FolderStoreTests : IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();

    [Fact]
    public async Task Objects_are_files_at_their_relative_path_and_the_etag_is_the_sha256_of_the_content()
    {
        var store = new FolderStore(_root.FullName);

        var etag = await store.WriteAsync("reports/c1/r1/report.json", Bytes("{}"));
        var same = await store.WriteAsync("reports/c2/r1/report.json", Bytes("{}"));

        Assert.Equal("{}", File.ReadAllText(Path.Combine(_root.FullName, "reports", "c1", "r1", "report.json")));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Bytes("{}"))), etag);
        Assert.Equal("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", etag);
        Assert.Equal(etag, same);
    }

    [Fact]
    public async Task Failed_conditional_writes_and_lost_creates_leave_no_temp_files()
    {
        var store = new FolderStore(_root.FullName);
        var stale = await store.WriteAsync("datasets/c1/merged.json", Bytes("v1"));
        await store.WriteAsync("datasets/c1/merged.json", Bytes("v2"));

        await Assert.ThrowsAsync<ObjectStoreException>(() => store.WriteAsync("datasets/c1/merged.json", Bytes("v3"), stale));
        Assert.False(await store.TryCreateAsync("datasets/c1/merged.json", Bytes("v4")));

        Assert.Empty(Directory.EnumerateFiles(_root.FullName, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(["merged.json"], Directory.EnumerateFiles(Path.Combine(_root.FullName, "datasets", "c1")).Select(Path.GetFileName));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Bytes("datasets/c1/merged.json")));
        Assert.True(File.Exists(Path.Combine(_root.FullName, "~locks", hash[..2], hash)));
    }

    [Fact]
    public async Task A_write_that_cannot_land_fails_as_unavailable_naming_the_object_and_leaves_nothing()
    {
        var store = new FolderStore(_root.FullName);
        await store.WriteAsync("runs", Bytes("a file where a folder would go"));

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.WriteAsync("runs/r1.json", Bytes("{}")));

        Assert.Equal(ObjectStoreException.Unavailable, error.Code);
        Assert.Equal("runs/r1.json", error.ObjectName);
        Assert.Equal(["runs", "~locks"], Directory.EnumerateFileSystemEntries(_root.FullName).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Stores_on_the_same_folder_serialise_read_modify_write_through_the_lock_file()
    {
        await new FolderStore(_root.FullName).WriteAsync("counters/n", Bytes("0"));

        // Separate instances share nothing in memory: only the OS file lock keeps their compare-and-swap exclusive.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            var store = new FolderStore(_root.FullName);
            for (var i = 0; i < 5; i++)
            {
                while (true)
                {
                    var current = (await store.ReadAsync("counters/n"))!;
                    var next = int.Parse(Encoding.UTF8.GetString(current.Content.Span), CultureInfo.InvariantCulture) + 1;
                    try
                    {
                        await store.WriteAsync("counters/n", Bytes(next.ToString(CultureInfo.InvariantCulture)), current.ETag);
                        break;
                    }
                    catch (ObjectStoreException ex) when (ex.Code == ObjectStoreException.PreconditionFailed)
                    {
                    }
                }
            }
        })));

        Assert.Equal("30", File.ReadAllText(Path.Combine(_root.FullName, "counters", "n")));
    }

    [Fact]
    public async Task An_expired_lease_can_be_taken_over_and_the_old_owner_can_no_longer_renew()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero));
        var store = new FolderStore(_root.FullName, clock);
        var first = await store.TryAcquireLeaseAsync("locks/nightly", TimeSpan.FromSeconds(30));
        Assert.NotNull(first);

        clock.Now += TimeSpan.FromSeconds(29);
        Assert.Null(await store.TryAcquireLeaseAsync("locks/nightly", TimeSpan.FromSeconds(30)));
        clock.Now += TimeSpan.FromSeconds(2);
        await using var second = await store.TryAcquireLeaseAsync("locks/nightly", TimeSpan.FromSeconds(30));

        Assert.NotNull(second);
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => first.RenewAsync());
        Assert.Equal(ObjectStoreException.PreconditionFailed, error.Code);
        await first.DisposeAsync(); // releasing a lost lease must not free the new owner's lease
        Assert.Null(await store.TryAcquireLeaseAsync("locks/nightly", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Files_dropped_by_hand_are_listed_even_with_odd_names_and_side_files_are_not()
    {
        Directory.CreateDirectory(Path.Combine(_root.FullName, "exports", "c1"));
        File.WriteAllText(Path.Combine(_root.FullName, "exports", "c1", "week1.parquet"), "PAR1");
        File.WriteAllText(Path.Combine(_root.FullName, "exports", "c1", ".hidden"), "h");
        File.WriteAllText(Path.Combine(_root.FullName, "exports", "c1", "week1.parquet~0123.tmp"), "partial");
        File.WriteAllText(Path.Combine(_root.FullName, "exports", "c1", "odd#name"), "not a valid object name, listed so it can be reported (as blob storage lists it)");
        var store = new FolderStore(_root.FullName);

        var names = new List<string>();
        await foreach (var item in store.ListAsync("exports/c1/"))
        {
            names.Add(item.Name);
        }

        Assert.Equal(["exports/c1/.hidden", "exports/c1/odd#name", "exports/c1/week1.parquet"], names);
    }

    public void Dispose() => _root.Dispose();

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
