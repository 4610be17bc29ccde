using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace LiftPipeline.Tests.Ingestion;

/// <summary>Writes an export case's columns and rows (JSON) as a Parquet file with the declared physical types.</summary>
internal static class ExportCaseWriter
{
    public static async Task WriteAsync(string path, JsonElement columns, JsonElement rows)
    {
        var specs = columns.EnumerateArray().Select(c => (Name: c.GetProperty("name").GetString()!, Type: c.GetProperty("type").GetString()!)).ToArray();
        var data = rows.EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToArray();
        var fields = specs.Select((s, i) => Field(s.Name, s.Type, data.Any(r => r[i].ValueKind == JsonValueKind.Null))).ToArray();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        using var group = writer.CreateRowGroup();
        for (int c = 0; c < specs.Length; c++)
        {
            var cells = data.Select(r => r[c]).ToArray();
            await WriteColumnAsync(group, fields[c], specs[c].Type, cells);
        }
    }

    private static DataField Field(string name, string type, bool nullable) => type switch
    {
        "string" => new DataField<string>(name, nullable),
        "int32" => new DataField<int>(name, nullable),
        "int64" => new DataField<long>(name, nullable),
        "double" => new DataField<double>(name, nullable),
        "bool" => new DataField<bool>(name, nullable),
        "timestamp" => new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: nullable),
        _ => throw new ArgumentException($"unknown column type '{type}' in export case"),
    };

    private static async Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, string type, JsonElement[] cells)
    {
        switch (type)
        {
            case "string":
                await group.WriteAsync(field, cells.Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()).ToArray());
                break;
            case "int32":
                await WriteAsync(group, field, cells, v => v.GetInt32());
                break;
            case "int64":
                await WriteAsync(group, field, cells, v => v.GetInt64());
                break;
            case "double":
                await WriteAsync(group, field, cells, v => v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetDouble());
                break;
            case "bool":
                await WriteAsync(group, field, cells, v => v.GetBoolean());
                break;
            case "timestamp":
                await WriteAsync(group, field, cells, v => DateTime.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
                break;
        }
    }

    private static async Task WriteAsync<T>(ParquetRowGroupWriter group, DataField field, JsonElement[] cells, Func<JsonElement, T> parse)
        where T : struct
    {
        if (field.IsNullable)
        {
            var values = cells.Select(v => v.ValueKind == JsonValueKind.Null ? (T?)null : parse(v)).ToArray();
            await group.WriteAsync(field, (ReadOnlyMemory<T?>)values, null, null, CancellationToken.None);
            return;
        }
        await group.WriteAsync(field, (ReadOnlyMemory<T>)cells.Select(parse).ToArray(), null, null, CancellationToken.None);
    }
}
