using System.Globalization;
using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Statistics.Audiences.Validation;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// Reads a <c>members</c> file (docs/audiences.md; <see cref="SegmentMembersWriter"/> writes it): one row per (customer, segment) membership, columns
/// <c>customer_id</c> (text or integer) and <c>segment</c> (text), metadata <c>liftpipeline.contract = members</c>,
/// <c>liftpipeline.members.audience</c> and <c>liftpipeline.members.as_of</c>. Streams one row group at a time; keeps
/// 8 bytes per membership.
/// </summary>
public static class SegmentMembersReader
{
    /// <summary>The contract name in <c>liftpipeline.contract</c>.</summary>
    public const string Contract = "members";

    /// <summary>Reads every membership of <paramref name="file"/>.</summary>
    /// <exception cref="ExportValidationException">Another contract in the metadata, a missing or mistyped column, a null value, or an <c>as_of</c> that is not <c>yyyy-MM-dd</c>.</exception>
    public static async Task<SegmentMembers> ReadAsync(ExportFile file, ColumnMapping? columns = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var metadata = file.KeyValueMetadata;
        if (metadata.TryGetValue("liftpipeline.contract", out string? contract) && contract != Contract)
        {
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.UnknownContract, $"this is a '{contract}' file, not a members file (segment memberships from 'lift audience build')");
        }
        DateOnly? asOf = null;
        if (metadata.TryGetValue(SegmentMembersWriter.AsOfKey, out string? day))
        {
            asOf = DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed
                : throw ExportValidationException.Single(file.Name, ExportErrorCodes.InvalidValue, $"metadata {SegmentMembersWriter.AsOfKey} '{day}' is not yyyy-MM-dd");
        }
        var errors = new ExportErrorCollector(file.Name);
        var resolver = new ContractColumnResolver(file, columns ?? ColumnMapping.Default, errors);
        var idColumn = resolver.Required(AssignmentColumns.CustomerId, Customers.CustomerLayout.CanBeId, "text or integer");
        var segmentColumn = resolver.Required(SegmentMembersWriter.SegmentColumn, ColumnDecoders.CanBeCategory, "text");
        errors.ThrowIfAny();
        var id = new ColumnChunkBuffer(idColumn!);
        var segment = new ColumnChunkBuffer(segmentColumn!);
        var names = new CategoryDictionary();
        var members = new List<List<ulong>>();
        ulong[] keys = [];
        int[] codes = [];
        long firstRow = 0;
        for (int g = 0; g < file.RowGroupCount; g++)
        {
            int n = checked((int)file.RowGroupRows[g]);
            await id.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
            await segment.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
            ThrowOnNull(file, id, firstRow);
            ThrowOnNull(file, segment, firstRow);
            if (keys.Length < n)
            {
                keys = new ulong[n];
                codes = new int[n];
            }
            IdKeys.Fill(id, keys);
            ColumnDecoders.Categories(segment, names, codes);
            while (members.Count < names.Count)
            {
                members.Add([]);
            }
            for (int i = 0; i < n; i++)
            {
                members[codes[i]].Add(keys[i]);
            }
            firstRow += n;
        }
        var order = Enumerable.Range(0, names.Count).OrderBy(s => names.Names[s], StringComparer.Ordinal).ToArray();
        var sorted = new ulong[order.Length][];
        for (int s = 0; s < order.Length; s++)
        {
            var list = members[order[s]];
            var array = list.ToArray();
            list.Clear();
            sorted[s] = array[..CustomerKey.SortDistinct(array)];
        }
        return new SegmentMembers(metadata.GetValueOrDefault(SegmentMembersWriter.AudienceKey), asOf, order.Select(s => names.Names[s]).ToArray(), sorted, file.Rows);
    }

    private static void ThrowOnNull(ExportFile file, ColumnChunkBuffer chunk, long firstRow)
    {
        if (chunk.HasNulls)
        {
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.NullValue, $"null {chunk.Column.Name}", chunk.Column.Name, [firstRow + IdKeys.FirstNull(chunk)]);
        }
    }
}
