using System.Globalization;
using System.Text;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IObjectStore"/> promises, run against each implementation by a derived class that
/// supplies a fresh, empty store per test.
/// </summary>
public abstract class ObjectStoreContract
{
    /// <summary>A new, empty store for one test.</summary>
    protected abstract Task<IObjectStore> CreateStoreAsync();

    /// <summary>Asserts that rejected names left no trace in storage; stores add their own checks.</summary>
    protected virtual async Task AssertNothingStoredAsync(IObjectStore store) =>
        Assert.Empty(await ListAllAsync(store, ""));

    public static TheoryData<string> UnsafeNames() =>
    [
        "../x", "a/../../b", "a//b", "/abs", "a\\b", "%2e%2e/x", "..", ".", "a/", "",
        "a\0b", "a\nb", "line\rbreak", "tab\there", "bell\u0007", "del\u007f",
    ];

    [Fact]
    public async Task Creating_from_a_stream_stores_every_byte_once_and_a_second_create_changes_nothing()
    {
        var store = await CreateStoreAsync();
        var big = new byte[5 * 1024 * 1024 + 17];   // beyond one upload block
        new Random(7).NextBytes(big);

        using var first = new MemoryStream(big, writable: false);
        bool created = await store.TryCreateAsync("datasets/c1/shard.parquet", first);
        using var second = new MemoryStream(Bytes("other"), writable: false);
        bool again = await store.TryCreateAsync("datasets/c1/shard.parquet", second);

        Assert.True(created);
        Assert.False(again);
        Assert.Equal(big, (await store.ReadAsync("datasets/c1/shard.parquet"))!.Content.ToArray());
        Assert.Single(await ListAllAsync(store, "datasets/"));
    }

    [Fact]
    public async Task A_listing_reports_the_same_etag_as_a_read_so_callers_can_compare_them()
    {
        var store = await CreateStoreAsync();
        var etag = await store.WriteAsync("exports/c1/a.parquet", Bytes("abc"));

        var listed = Assert.Single(await ListAllAsync(store, "exports/"));

        Assert.Equal(etag, listed.ETag);
        Assert.Equal(etag, (await store.ReadAsync("exports/c1/a.parquet"))!.ETag);
        Assert.Equal(etag, (await store.GetAsync("exports/c1/a.parquet"))!.ETag);
    }

    [Fact]
    public async Task Written_content_reads_back_with_the_etag_the_write_returned()
    {
        var store = await CreateStoreAsync();
        var etag = await store.WriteAsync("datasets/c1/panel.json", Bytes("{\"rows\":3}"));

        var read = await store.ReadAsync("datasets/c1/panel.json");
        var props = await store.GetAsync("datasets/c1/panel.json");
        await using var stream = await store.OpenReadAsync("datasets/c1/panel.json");

        Assert.NotNull(read);
        Assert.Equal("{\"rows\":3}", Text(read.Content));
        Assert.Equal(etag, read.ETag);
        Assert.NotNull(props);
        Assert.Equal(10, props.Length);
        Assert.Equal(etag, props.ETag);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        Assert.Equal("{\"rows\":3}", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Missing_objects_read_as_null()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.ReadAsync("reports/none/latest.json"));
        Assert.Null(await store.GetAsync("reports/none/latest.json"));
        Assert.Null(await store.OpenReadAsync("reports/none/latest.json"));
        await store.DeleteAsync("reports/none/latest.json");
    }

    [Fact]
    public async Task A_name_that_only_prefixes_other_objects_reads_as_null()
    {
        var store = await CreateStoreAsync();
        await store.WriteAsync("reports/c1/latest.json", Bytes("{}"));

        Assert.Null(await store.ReadAsync("reports/c1"));
        Assert.Null(await store.OpenReadAsync("reports/c1"));
        Assert.Null(await store.GetAsync("reports/c1"));
    }

    [Fact]
    public async Task Deleted_objects_are_gone()
    {
        var store = await CreateStoreAsync();
        await store.WriteAsync("markers/m1", Bytes("x"));

        await store.DeleteAsync("markers/m1");

        Assert.Null(await store.ReadAsync("markers/m1"));
        Assert.Empty(await ListAllAsync(store, "markers/"));
    }

    [Fact]
    public async Task Creating_an_existing_object_returns_false_and_keeps_the_first_content()
    {
        var store = await CreateStoreAsync();

        var first = await store.TryCreateAsync("alerts/2026/01/02/a1.json", Bytes("first"));
        var second = await store.TryCreateAsync("alerts/2026/01/02/a1.json", Bytes("second"));

        Assert.True(first);
        Assert.False(second);
        Assert.Equal("first", Text((await store.ReadAsync("alerts/2026/01/02/a1.json"))!.Content));
    }

    [Fact]
    public async Task Of_eight_concurrent_creators_exactly_one_wins()
    {
        var store = await CreateStoreAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => store.TryCreateAsync("runs/r1.json", Bytes($"creator {i}")))));

        Assert.Equal(1, results.Count(won => won));
        var winner = Array.IndexOf(results, true);
        Assert.Equal($"creator {winner}", Text((await store.ReadAsync("runs/r1.json"))!.Content));
    }

    [Fact]
    public async Task Writing_with_a_stale_etag_fails_with_precondition_failed_and_changes_nothing()
    {
        var store = await CreateStoreAsync();
        var stale = await store.WriteAsync("datasets/c1/merged.json", Bytes("v1"));
        var current = await store.WriteAsync("datasets/c1/merged.json", Bytes("v2"), stale);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.WriteAsync("datasets/c1/merged.json", Bytes("v3"), stale));

        Assert.Equal(ObjectStoreException.PreconditionFailed, error.Code);
        Assert.Equal("datasets/c1/merged.json", error.ObjectName);
        var read = await store.ReadAsync("datasets/c1/merged.json");
        Assert.Equal("v2", Text(read!.Content));
        Assert.Equal(current, read.ETag);
    }

    [Fact]
    public async Task Writing_with_an_etag_to_a_missing_object_fails_with_precondition_failed()
    {
        var store = await CreateStoreAsync();
        var etag = await store.WriteAsync("datasets/c1/gone.json", Bytes("v1"));
        await store.DeleteAsync("datasets/c1/gone.json");

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.WriteAsync("datasets/c1/gone.json", Bytes("v2"), etag));

        Assert.Equal(ObjectStoreException.PreconditionFailed, error.Code);
        Assert.Null(await store.ReadAsync("datasets/c1/gone.json"));
    }

    [Fact]
    public async Task Concurrent_read_modify_write_with_etag_retries_loses_no_increment()
    {
        var store = await CreateStoreAsync();
        await store.WriteAsync("counters/n", Bytes("0"));
        const int Writers = 8, IncrementsEach = 5;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < IncrementsEach; i++)
            {
                await IncrementAsync(store, "counters/n");
            }
        })));

        Assert.Equal(Writers * IncrementsEach, int.Parse(Text((await store.ReadAsync("counters/n"))!.Content), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Listing_returns_objects_under_the_prefix_in_ordinal_order()
    {
        var store = await CreateStoreAsync();
        foreach (var name in new[] { "reports/b/x.json", "reports/a.json", "reports/a/y.json", "reports/B.json", "other/z.json", "reportsX.json" })
        {
            await store.WriteAsync(name, Bytes(name));
        }
        // Conditional writes and leases must not show up as extra objects.
        var etag = (await store.GetAsync("reports/a.json"))!.ETag;
        await store.WriteAsync("reports/a.json", Bytes("again"), etag);
        await using (await store.TryAcquireLeaseAsync("locks/c1", TimeSpan.FromSeconds(20)))
        {
            var under = await ListAllAsync(store, "reports/");
            var partial = await ListAllAsync(store, "reports/a");
            var all = await ListAllAsync(store, "");

            Assert.Equal(["reports/B.json", "reports/a.json", "reports/a/y.json", "reports/b/x.json"], under.Select(o => o.Name));
            Assert.Equal(["reports/a.json", "reports/a/y.json"], partial.Select(o => o.Name));
            Assert.Equal(["locks/c1", "other/z.json", "reports/B.json", "reports/a.json", "reports/a/y.json", "reports/b/x.json", "reportsX.json"],
                all.Select(o => o.Name));
            Assert.Equal(5, under.Single(o => o.Name == "reports/a.json").Length);
        }
    }

    [Fact]
    public async Task A_lease_is_exclusive_until_disposed()
    {
        var store = await CreateStoreAsync();

        var first = await store.TryAcquireLeaseAsync("locks/campaign-a", TimeSpan.FromSeconds(30));
        var second = await store.TryAcquireLeaseAsync("locks/campaign-a", TimeSpan.FromSeconds(30));
        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal("locks/campaign-a", first.Name);
        await first.RenewAsync();
        Assert.Null(await store.TryAcquireLeaseAsync("locks/campaign-a", TimeSpan.FromSeconds(30)));

        await first.DisposeAsync();
        await using var third = await store.TryAcquireLeaseAsync("locks/campaign-a", TimeSpan.FromSeconds(30));

        Assert.NotNull(third);
        Assert.NotNull(await store.GetAsync("locks/campaign-a"));
    }

    [Theory]
    [MemberData(nameof(UnsafeNames))]
    public async Task Unsafe_names_are_rejected_before_touching_storage(string name)
    {
        var store = await CreateStoreAsync();

        await AssertInvalidAsync(() => store.ReadAsync(name));
        await AssertInvalidAsync(() => store.OpenReadAsync(name));
        await AssertInvalidAsync(() => store.GetAsync(name));
        await AssertInvalidAsync(() => store.TryCreateAsync(name, Bytes("x")));
        await AssertInvalidAsync(() => store.WriteAsync(name, Bytes("x")));
        await AssertInvalidAsync(() => store.WriteAsync(name, Bytes("x"), "etag"));
        await AssertInvalidAsync(() => store.DeleteAsync(name));
        await AssertInvalidAsync(() => store.TryAcquireLeaseAsync(name, TimeSpan.FromSeconds(20)));
        if (name.Length > 0 && name != "a/")
        {
            await AssertInvalidAsync(() => ListAllAsync(store, name));
        }

        await AssertNothingStoredAsync(store);
    }

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    protected static async Task<List<StoredObject>> ListAllAsync(IObjectStore store, string prefix)
    {
        var list = new List<StoredObject>();
        await foreach (var item in store.ListAsync(prefix))
        {
            list.Add(item);
        }
        return list;
    }

    /// <summary>Adds one to the integer object, retrying from a fresh read whenever another writer got there first.</summary>
    protected static async Task IncrementAsync(IObjectStore store, string name)
    {
        while (true)
        {
            var current = (await store.ReadAsync(name))!;
            var next = int.Parse(Text(current.Content), CultureInfo.InvariantCulture) + 1;
            try
            {
                await store.WriteAsync(name, Bytes(next.ToString(CultureInfo.InvariantCulture)), current.ETag);
                return;
            }
            catch (ObjectStoreException ex) when (ex.Code == ObjectStoreException.PreconditionFailed)
            {
                // Lost the race: read again.
            }
        }
    }

    private static async Task AssertInvalidAsync(Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<ObjectStoreException>(action);
        Assert.Equal(ObjectStoreException.InvalidName, error.Code);
    }
}
