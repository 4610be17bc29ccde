using System.Text;
using LiftPipeline.Ingestion.Columns;

namespace LiftPipeline.Tests.Ingestion.Columns;

/// <summary>The identity shortcut for dictionary-encoded text gives exactly the codes of hashing the bytes.</summary>
public sealed class InstanceCodeCacheTests
{
    private static readonly string[] Names = ["holdout", "vbo", "vbo_1p", "new", "lapsed", "vip"];

    [Fact]
    public void Shared_instances_and_fresh_copies_of_the_same_text_get_the_same_codes_as_hashing()
    {
        // A dictionary page materialised once (shared arrays), the same rows as PLAIN values (a fresh array each), and
        // values sliced out of one page buffer at different offsets.
        var dictionary = Names.Select(n => new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(n))).ToArray();
        var random = new Random(5);
        var rows = Enumerable.Range(0, 5_000).Select(_ => random.Next(Names.Length)).ToArray();
        var shared = rows.Select(r => dictionary[r]).ToArray();
        var copies = rows.Select(r => new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(Names[r]))).ToArray();
        var page = Encoding.UTF8.GetBytes(string.Concat(rows.Select(r => Names[r])));
        var slices = new ReadOnlyMemory<byte>[rows.Length];
        for (int i = 0, at = 0; i < rows.Length; at += Names[rows[i]].Length, i++)
        {
            slices[i] = page.AsMemory(at, Names[rows[i]].Length);
        }

        var expected = new CategoryDictionary();
        var cache = new InstanceCodeCache();
        var codes = new CategoryDictionary();
        foreach (var values in new[] { shared, copies, slices })
        {
            cache.Clear();
            for (int i = 0; i < values.Length; i++)
            {
                Assert.Equal(expected.GetOrAdd(values[i].Span), cache.CodeOf(values[i], codes));
            }
        }
        Assert.Equal(Names.Length, codes.Count);
        Assert.Equal(expected.Names, codes.Names);
    }

    [Fact]
    public void More_distinct_instances_than_the_cache_holds_still_get_their_own_codes()
    {
        var values = Enumerable.Range(0, 3 * InstanceCodeCache.Capacity)
            .Select(i => new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes($"market-{i % (2 * InstanceCodeCache.Capacity)}")))
            .ToArray();
        var cache = new InstanceCodeCache();
        var codes = new CategoryDictionary();

        var first = values.Select(v => cache.CodeOf(v, codes)).ToArray();
        var again = values.Select(v => cache.CodeOf(v, codes)).ToArray();

        Assert.Equal(2 * InstanceCodeCache.Capacity, codes.Count);
        Assert.Equal(first, again);
        Assert.All(Enumerable.Range(0, values.Length), i => Assert.Equal($"market-{i % (2 * InstanceCodeCache.Capacity)}", codes.Names[first[i]]));
    }

    [Fact]
    public void A_cleared_cache_does_not_answer_for_an_array_rewritten_with_other_text()
    {
        var buffer = Encoding.UTF8.GetBytes("vbo");
        var cache = new InstanceCodeCache();
        var codes = new CategoryDictionary();
        Assert.Equal(0, cache.CodeOf(buffer, codes));

        Encoding.UTF8.GetBytes("web").CopyTo(buffer, 0);
        cache.Clear();

        Assert.Equal(1, cache.CodeOf(buffer, codes));
        Assert.Equal(["vbo", "web"], codes.Names);
    }
}
