using System.Buffers.Binary;
using LiftPipeline.Ingestion.ParquetFormat;

namespace LiftPipeline.Tests.Ingestion.ParquetFormat;

public sealed class ThriftCompactTests
{
    public static TheoryData<string> ReadableFiles() => ParquetCorpusTests.CorpusFiles();

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void Footer_written_back_is_byte_identical_to_the_original(string relative)
    {
        byte[] file = File.ReadAllBytes(TestData.Corpus(relative));
        int length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        byte[] footer = file.AsSpan(file.Length - 8 - length, length).ToArray();

        var parsed = new ThriftCompactReader(footer).ReadStruct();

        Assert.Equal(footer, ThriftCompactWriter.Serialize(parsed));
    }

    [Fact]
    public void Values_of_every_wire_type_survive_a_round_trip()
    {
        var inner = new ThriftStruct();
        inner.Fields.Add(new ThriftField(1, ThriftType.Binary, "é"u8.ToArray()));
        var value = new ThriftStruct();
        value.Fields.Add(new ThriftField(1, ThriftType.BoolTrue, true));
        value.Fields.Add(new ThriftField(2, ThriftType.BoolFalse, false));
        value.Fields.Add(new ThriftField(3, ThriftType.Byte, -5L));
        value.Fields.Add(new ThriftField(4, ThriftType.I16, -300L));
        value.Fields.Add(new ThriftField(5, ThriftType.I32, int.MinValue + 0L));
        value.Fields.Add(new ThriftField(6, ThriftType.I64, long.MaxValue));
        value.Fields.Add(new ThriftField(7, ThriftType.Double, -2.5));
        value.Fields.Add(new ThriftField(40, ThriftType.Struct, inner));
        value.Fields.Add(new ThriftField(41, ThriftType.List, new ThriftList(ThriftType.I32, Enumerable.Range(-10, 20).Select(i => (object)(long)i).ToList())));
        value.Fields.Add(new ThriftField(42, ThriftType.Map, new ThriftMap(ThriftType.Binary, ThriftType.I64, [new("k"u8.ToArray(), 7L)])));

        var bytes = ThriftCompactWriter.Serialize(value);
        var back = new ThriftCompactReader(bytes).ReadStruct();

        Assert.Equal(true, back.GetBool(1));
        Assert.Equal(false, back.GetBool(2));
        Assert.Equal(-5L, back.GetInt(3));
        Assert.Equal(-300L, back.GetInt(4));
        Assert.Equal(int.MinValue, back.GetInt(5));
        Assert.Equal(long.MaxValue, back.GetInt(6));
        Assert.Equal(-2.5, (double)back.Find(7)!.Value);
        Assert.Equal("é"u8.ToArray(), back.GetStruct(40)!.GetBinary(1));
        Assert.Equal(Enumerable.Range(-10, 20).Select(i => (long)i), back.GetList(41)!.Items.Cast<long>());
        var entry = Assert.Single(((ThriftMap)back.Find(42)!.Value).Entries);
        Assert.Equal(7L, entry.Value);
        Assert.Equal(bytes, ThriftCompactWriter.Serialize(back));
    }

    [Theory]
    [InlineData(new byte[] { 0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0x0F }, "cannot fit")]
    [InlineData(new byte[] { 0x18, 0xFF, 0xFF, 0xFF, 0x7F }, "runs past the end")]
    [InlineData(new byte[] { 0x15 }, "unexpected end")]
    [InlineData(new byte[] { 0x1D }, "unknown field type 13")]
    public void Damaged_bytes_fail_with_a_format_error_instead_of_allocating(byte[] bytes, string reason)
    {
        var error = Assert.Throws<ThriftFormatException>(() => new ThriftCompactReader(bytes).ReadStruct());
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var bytes = Enumerable.Repeat((byte)0x1C, 200).ToArray();
        var error = Assert.Throws<ThriftFormatException>(() => new ThriftCompactReader(bytes).ReadStruct());
        Assert.Contains("nested too deeply", error.Message, StringComparison.Ordinal);
    }
}
