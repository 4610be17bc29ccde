using System.Diagnostics;
using System.Text;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Cli;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// The folder store never leaves its root and reads only regular files: planted symbolic links (files and folders, side
/// files included) and FIFOs are refused with one clear error; sparse objects stay sparse; crashed writers' leftovers go.
/// </summary>
public sealed class FolderStoreFaultTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lift-faults-" + Guid.NewGuid().ToString("N"));
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "lift-outside-" + Guid.NewGuid().ToString("N"));

    public FolderStoreFaultTests()
    {
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
    }

    public void Dispose()
    {
        foreach (var folder in new[] { _root, _outside })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_linked_file_under_exports_is_neither_listed_nor_read()
    {
        var secret = Path.Combine(_outside, "secret.txt");
        File.WriteAllText(secret, "top secret");
        Directory.CreateDirectory(Path.Combine(_root, "exports", "geo"));
        File.CreateSymbolicLink(Path.Combine(_root, "exports", "geo", "leak.parquet"), secret);
        var store = new FolderStore(_root);

        var listed = new List<string>();
        await foreach (var item in store.ListAsync("exports/"))
        {
            listed.Add(item.Name);
        }
        var read = await Assert.ThrowsAsync<ObjectStoreException>(() => store.ReadAsync("exports/geo/leak.parquet"));
        var opened = await Assert.ThrowsAsync<ObjectStoreException>(() => store.OpenReadAsync("exports/geo/leak.parquet"));

        Assert.Empty(listed);
        Assert.Equal(ObjectStoreException.NotAFile, read.Code);
        Assert.Contains("symbolic link", read.Message, StringComparison.Ordinal);
        Assert.Equal(ObjectStoreException.NotAFile, opened.Code);
    }

    [Fact]
    public async Task A_run_never_copies_a_linked_export_into_quarantine()
    {
        var secret = Path.Combine(_outside, "secret.parquet");
        File.WriteAllText(secret, "top secret, not parquet");
        LocalStoreKit.WriteCampaign(_root);
        LocalStoreKit.DropPanel(_root);
        File.CreateSymbolicLink(Path.Combine(_root, "exports", "geo", "leak.parquet"), secret);

        var (code, output, error) = await CliRunner.RunAsync("run", "--store", _root);

        Assert.True(code == 0, output + error);
        Assert.Contains("1 new export: 1 accepted, 0 quarantined", output, StringComparison.Ordinal);
        Assert.Empty(LocalStoreKit.Snapshot(_root, "quarantine"));
        Assert.Equal("top secret, not parquet", File.ReadAllText(secret));
    }

    [Theory]
    [InlineData("datasets", "datasets/geo/panel.json")]
    [InlineData("reports/geo", "reports/geo/run-1/report.json")]
    [InlineData("alerts/2026", "alerts/2026/12/04/a.json")]
    public async Task A_linked_folder_is_refused_and_nothing_is_written_outside(string linked, string name)
    {
        var link = Path.Combine(_root, linked.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        Directory.CreateSymbolicLink(link, _outside);
        var store = new FolderStore(_root);

        var write = await Assert.ThrowsAsync<ObjectStoreException>(() => store.WriteAsync(name, Encoding.UTF8.GetBytes("{}")));
        var create = await Assert.ThrowsAsync<ObjectStoreException>(() => store.TryCreateAsync(name, Encoding.UTF8.GetBytes("{}")));
        var delete = await Assert.ThrowsAsync<ObjectStoreException>(() => store.DeleteAsync(name));

        Assert.Equal(ObjectStoreException.NotAFile, write.Code);
        Assert.Contains(linked, write.Message, StringComparison.Ordinal);
        Assert.Equal(ObjectStoreException.NotAFile, create.Code);
        Assert.Equal(ObjectStoreException.NotAFile, delete.Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_linked_lock_file_never_creates_or_touches_its_target()
    {
        var victim = Path.Combine(_outside, "victim.txt");
        File.WriteAllText(victim, "precious");
        var dangling = Path.Combine(_outside, "created-by-the-store.txt");
        var aLock = LockFile("datasets/geo/a.json");
        Directory.CreateDirectory(Path.GetDirectoryName(aLock)!);
        File.CreateSymbolicLink(aLock, victim);
        var bLock = LockFile("datasets/geo/b.json");
        Directory.CreateDirectory(Path.GetDirectoryName(bLock)!);
        File.CreateSymbolicLink(bLock, dangling);
        var store = new FolderStore(_root);

        var first = await Assert.ThrowsAsync<ObjectStoreException>(() => store.WriteAsync("datasets/geo/a.json", Encoding.UTF8.GetBytes("{}")));
        var second = await Assert.ThrowsAsync<ObjectStoreException>(() => store.WriteAsync("datasets/geo/b.json", Encoding.UTF8.GetBytes("{}")));

        Assert.Equal(ObjectStoreException.NotAFile, first.Code);
        Assert.Contains(Path.GetFileName(aLock), first.Message, StringComparison.Ordinal);
        Assert.Equal(ObjectStoreException.NotAFile, second.Code);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.False(File.Exists(dangling));
        Assert.False(File.Exists(Path.Combine(_root, "datasets", "geo", "a.json")));
    }

    [Fact]
    public async Task A_linked_locks_folder_is_refused_and_nothing_is_created_in_its_target()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "~locks"), _outside);
        var store = new FolderStore(_root);

        var refused = await Assert.ThrowsAsync<ObjectStoreException>(() => store.WriteAsync("datasets/geo/a.json", Encoding.UTF8.GetBytes("{}")));

        Assert.Equal(ObjectStoreException.NotAFile, refused.Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Fact]
    public async Task Deleting_the_last_object_of_a_folder_removes_the_emptied_folders_so_listings_do_not_walk_history()
    {
        var store = new FolderStore(_root);
        await store.WriteAsync("outbox/0123/growth.json", Encoding.UTF8.GetBytes("{}"));
        await store.WriteAsync("outbox/0123/finance.json", Encoding.UTF8.GetBytes("{}"));

        await store.DeleteAsync("outbox/0123/growth.json");
        Assert.True(Directory.Exists(Path.Combine(_root, "outbox", "0123")));
        await store.DeleteAsync("outbox/0123/finance.json");

        Assert.False(Directory.Exists(Path.Combine(_root, "outbox")));
        await store.WriteAsync("outbox/0456/growth.json", Encoding.UTF8.GetBytes("{}"));
        Assert.Equal(["outbox/0456/growth.json"], await store.ListAsync("outbox/").Select(o => o.Name).ToArrayAsync());
    }

    [Fact]
    public void A_large_store_is_swept_for_leftovers_at_most_once_a_day_so_opening_it_does_not_walk_its_history_each_time()
    {
        var folder = Path.Combine(_root, "alerts", "deliveries");
        Directory.CreateDirectory(folder);
        for (int i = 0; i < 1_200; i++)
        {
            File.WriteAllText(Path.Combine(folder, $"{i:x32}.json"), "{}");
        }
        var first = Plant(Path.Combine(folder, "a.json~1.tmp"), TimeSpan.FromDays(3));

        _ = new FolderStore(_root);
        Assert.False(File.Exists(first));
        var marker = Path.Combine(_root, "~swept");
        Assert.True(File.Exists(marker));

        var second = Plant(Path.Combine(folder, "b.json~2.tmp"), TimeSpan.FromDays(3));
        _ = new FolderStore(_root);
        Assert.True(File.Exists(second));   // swept less than a day ago: not walked again

        File.SetLastWriteTimeUtc(marker, DateTime.UtcNow - TimeSpan.FromDays(2));
        _ = new FolderStore(_root);
        Assert.False(File.Exists(second));
        Assert.True(File.GetLastWriteTimeUtc(marker) > DateTime.UtcNow - TimeSpan.FromHours(1));
    }

    /// <summary>Where the folder store keeps the lock file of object <paramref name="name"/>.</summary>
    private string LockFile(string name)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        return Path.Combine(_root, FolderStore.LocksFolder, hash[..2], hash);
    }

    [Fact]
    public async Task A_linked_lease_file_never_overwrites_its_target()
    {
        var victim = Path.Combine(_outside, "victim.txt");
        File.WriteAllText(victim, "precious\nnot a time\n");
        Directory.CreateDirectory(Path.Combine(_root, "locks"));
        File.CreateSymbolicLink(Path.Combine(_root, "locks", "geo~lease"), victim);
        var store = new FolderStore(_root);

        var refused = await Assert.ThrowsAsync<ObjectStoreException>(() => store.TryAcquireLeaseAsync("locks/geo", TimeSpan.FromSeconds(30)));

        Assert.Equal(ObjectStoreException.NotAFile, refused.Code);
        Assert.Contains("geo~lease", refused.Message, StringComparison.Ordinal);
        Assert.Equal("precious\nnot a time\n", File.ReadAllText(victim));
    }

    [Fact]
    public async Task A_fifo_export_is_listed_but_refused_without_being_opened()
    {
        var fifo = MakeFifo(Path.Combine(_root, "exports", "geo"), "pipe.parquet");
        var store = new FolderStore(_root);
        try
        {
            var work = Task.Run(async () =>
            {
                var listed = new List<StoredObject>();
                await foreach (var item in store.ListAsync("exports/"))
                {
                    listed.Add(item);
                }
                var read = await Assert.ThrowsAsync<ObjectStoreException>(() => store.ReadAsync("exports/geo/pipe.parquet"));
                var opened = await Assert.ThrowsAsync<ObjectStoreException>(() => store.OpenReadAsync("exports/geo/pipe.parquet"));
                return (listed, read, opened);
            });
            var (listed, read, opened) = await WithinAsync(work, fifo);

            Assert.Equal("exports/geo/pipe.parquet", Assert.Single(listed).Name);
            Assert.Equal(0, listed[0].Length);
            Assert.Equal(ObjectStoreException.NotAFile, read.Code);
            Assert.Contains("not a regular file", read.Message, StringComparison.Ordinal);
            Assert.Equal(ObjectStoreException.NotAFile, opened.Code);
        }
        finally
        {
            await ReleaseAsync(fifo);
        }
    }

    [Fact]
    public async Task A_run_with_a_fifo_export_and_a_fifo_campaign_json_finishes_and_names_both()
    {
        LocalStoreKit.WriteCampaign(_root);
        LocalStoreKit.DropPanel(_root);
        var export = MakeFifo(Path.Combine(_root, "exports", "geo"), "pipe.parquet");
        var config = MakeFifo(Path.Combine(_root, "campaigns", "other"), "campaign.json");
        try
        {
            var (code, output, error) = await WithinAsync(Task.Run(() => CliRunner.RunAsync("run", "--store", _root)), export, config);

            Assert.True(code == 1, output + error);
            Assert.Contains("exports/geo/pipe.parquet", output + error, StringComparison.Ordinal);
            Assert.Contains("campaigns/other/campaign.json", output + error, StringComparison.Ordinal);
            Assert.Contains("not a regular file", output + error, StringComparison.Ordinal);
            Assert.Contains("1 accepted", output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        }
        finally
        {
            await ReleaseAsync(export);
            await ReleaseAsync(config);
        }
    }

    [Fact]
    public async Task A_sparse_stream_written_to_the_store_stays_sparse()
    {
        const long length = 64L << 20;
        var source = Path.Combine(_outside, "sparse.parquet");
        await using (var file = new FileStream(source, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write("PAR1"u8);
            file.SetLength(length);
            file.Seek(length - 4, SeekOrigin.Begin);
            file.Write("PAR1"u8);
        }
        var store = new FolderStore(_root);

        await using (var read = File.OpenRead(source))
        {
            Assert.True(await store.TryCreateAsync("quarantine/geo/sparse.parquet", read));
        }
        var written = Path.Combine(_root, "quarantine", "geo", "sparse.parquet");

        Assert.Equal(length, new FileInfo(written).Length);
        Assert.Equal(FolderStore.ETagOf(File.ReadAllBytes(source)), (await store.GetAsync("quarantine/geo/sparse.parquet"))!.ETag);
        Assert.True(AllocatedBytes(written) < 1 << 20, $"{AllocatedBytes(written)} bytes allocated for a {length}-byte sparse file");
    }

    [Fact]
    public void Old_temp_files_are_removed_when_the_store_opens_and_fresh_ones_and_locks_are_kept()
    {
        var folder = Path.Combine(_root, "datasets", "geo");
        Directory.CreateDirectory(folder);
        var old = Plant(Path.Combine(folder, "panel.json~0123456789abcdef0123456789abcdef.tmp"), TimeSpan.FromHours(3));
        var oldTop = Plant(Path.Combine(_root, "x~0123456789abcdef0123456789abcdef.tmp"), TimeSpan.FromDays(3));
        var fresh = Plant(Path.Combine(folder, "panel.json~fedcba9876543210fedcba9876543210.tmp"), TimeSpan.FromMinutes(5));
        var oldLock = Plant(Path.Combine(folder, "panel.json~lock"), TimeSpan.FromDays(3));
        var oldObject = Plant(Path.Combine(folder, "old.tmp"), TimeSpan.FromDays(3));

        _ = new FolderStore(_root);

        Assert.False(File.Exists(old));
        Assert.False(File.Exists(oldTop));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(oldLock));
        Assert.True(File.Exists(oldObject));
    }

    [Fact]
    public void Old_local_copy_folders_of_crashed_processes_are_removed_and_fresh_ones_kept()
    {
        var old = Path.Combine(Path.GetTempPath(), "lift-" + Guid.NewGuid().ToString("N"));
        var fresh = Path.Combine(Path.GetTempPath(), "lift-" + Guid.NewGuid().ToString("N"));
        var notOurs = Path.Combine(Path.GetTempPath(), "lift-notours-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var folder in new[] { old, fresh, notOurs })
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, "export.parquet"), "x");
            }
            foreach (var stale in new[] { old, notOurs })
            {
                File.SetLastWriteTimeUtc(Path.Combine(stale, "export.parquet"), DateTime.UtcNow - TimeSpan.FromHours(2));
                Directory.SetLastWriteTimeUtc(stale, DateTime.UtcNow - TimeSpan.FromHours(2));
            }

            LocalCopy.RemoveLeftovers(Path.GetTempPath(), DateTime.UtcNow - FolderStore.LeftoverAge);

            Assert.False(Directory.Exists(old));
            Assert.True(Directory.Exists(fresh));
            Assert.True(Directory.Exists(notOurs));
        }
        finally
        {
            foreach (var folder in new[] { old, fresh, notOurs })
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }

    private static string Plant(string path, TimeSpan age)
    {
        File.WriteAllText(path, "left over");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    private static string MakeFifo(string folder, string file)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, file);
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>The task's result, or a failure (not a hang) when it blocks on a FIFO for more than a minute.</summary>
    private static async Task<T> WithinAsync<T>(Task<T> work, params string[] fifos)
    {
        if (await Task.WhenAny(work, Task.Delay(TimeSpan.FromMinutes(1))) != work)
        {
            foreach (var fifo in fifos)
            {
                await ReleaseAsync(fifo);
            }
            Assert.Fail($"still blocked after a minute: a FIFO was opened ({string.Join(", ", fifos)})");
        }
        return await work;
    }

    /// <summary>Unblocks any reader stuck opening <paramref name="fifo"/> by opening its write end (non-blocking once a reader waits).</summary>
    private static async Task ReleaseAsync(string fifo)
    {
        var writer = Task.Run(() =>
        {
            using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write);
        });
        await Task.WhenAny(writer, Task.Delay(TimeSpan.FromMilliseconds(200)));
        if (!writer.IsCompleted)
        {
            // No reader was waiting: open the read end ourselves so the writer's open returns too.
            using var reader = new FileStream(fifo, FileMode.Open, FileAccess.Read);
            await writer;
        }
    }

    private static long AllocatedBytes(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%b %B", path]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        var parts = stat.StandardOutput.ReadToEnd().Trim().Split(' ');
        stat.WaitForExit();
        return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
