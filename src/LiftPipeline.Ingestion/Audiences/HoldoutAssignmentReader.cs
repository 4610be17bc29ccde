using System.Globalization;
using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Statistics.Audiences;
using LiftPipeline.Statistics.Audiences.Validation;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// Reads the arms of an assignment file (<see cref="HoldoutAssignmentWriter"/>, or any Parquet file with
/// <c>customer_id</c> and <c>arm</c>) into <see cref="AssignmentArms"/>, with the planned split from its
/// <see cref="HoldoutAssignmentWriter.AllocationKey"/> metadata. Streams one row group at a time.
/// </summary>
public static class HoldoutAssignmentReader
{
    /// <summary>Reads every row of <paramref name="file"/>; a customer listed twice keeps its first arm.</summary>
    /// <exception cref="ExportValidationException">A missing or mistyped column, a null value, more than 255 arms, an allocation metadata value that does not parse, or an arm outside it.</exception>
    public static async Task<AssignmentArms> ReadAsync(ExportFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var plan = file.KeyValueMetadata.TryGetValue(HoldoutAssignmentWriter.AllocationKey, out string? text) && text.Length > 0 ? ParsePlan(file, text) : null;
        var errors = new ExportErrorCollector(file.Name);
        var resolver = new ContractColumnResolver(file, ColumnMapping.Default, errors);
        var idColumn = resolver.Required(AssignmentColumns.CustomerId, Customers.CustomerLayout.CanBeId, "text or integer");
        var armColumn = resolver.Required(AssignmentColumns.Arm, ColumnDecoders.CanBeCategory, "text");
        errors.ThrowIfAny();
        var names = new CategoryDictionary();
        foreach (string planned in plan?.Arms ?? [])
        {
            names.GetOrAdd(planned);
        }
        var id = new ColumnChunkBuffer(idColumn!);
        var arm = new ColumnChunkBuffer(armColumn!);
        var keys = new ulong[checked((int)file.Rows)];
        var arms = new byte[keys.Length];
        int[] codes = [];
        int at = 0;
        for (int g = 0; g < file.RowGroupCount; g++)
        {
            int n = checked((int)file.RowGroupRows[g]);
            await id.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
            await arm.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
            foreach (var chunk in (ReadOnlySpan<ColumnChunkBuffer>)[id, arm])
            {
                if (IdKeys.FirstNull(chunk) is var row and >= 0)
                {
                    throw ExportValidationException.Single(file.Name, ExportErrorCodes.NullValue, $"null {chunk.Column.Name}", chunk.Column.Name, [at + (long)row]);
                }
            }
            if (codes.Length < n)
            {
                codes = new int[n];
            }
            IdKeys.Fill(id, keys.AsSpan(at, n));
            ColumnDecoders.Categories(arm, names, codes);
            CheckArms(file, names, plan, at);
            for (int i = 0; i < n; i++)
            {
                arms[at + i] = (byte)codes[i];
            }
            at += n;
        }
        return Build(names, keys, arms, plan);
    }

    private static AssignmentArms Build(CategoryDictionary names, ulong[] keys, byte[] arms, BucketAllocation? plan)
    {
        var order = new int[keys.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var sorted = keys.ToArray();
        Array.Sort(sorted, order);
        var sortedKeys = new ulong[keys.Length];
        var sortedArms = new byte[keys.Length];
        int distinct = 0;
        for (int i = 0; i < order.Length; i++)
        {
            if (distinct > 0 && sortedKeys[distinct - 1] == sorted[i])
            {
                // The sort is not stable: of a repeated customer's rows, keep the arm of the earliest.
                if (order[i] < order[i - 1])
                {
                    sortedArms[distinct - 1] = arms[order[i]];
                }
                else
                {
                    order[i] = order[i - 1];
                }
                continue;
            }
            sortedKeys[distinct] = sorted[i];
            sortedArms[distinct++] = arms[order[i]];
        }
        IReadOnlyList<string> armNames = plan is null ? names.Names.ToArray() : plan.Arms;
        if (plan is null)
        {
            // Without a plan, arms are numbered in order of appearance; renumber them in ordinal order.
            var ordinal = names.Names.Select((name, code) => (name, code)).OrderBy(a => a.name, StringComparer.Ordinal).ToArray();
            var recode = new byte[ordinal.Length];
            for (int r = 0; r < ordinal.Length; r++)
            {
                recode[ordinal[r].code] = (byte)r;
            }
            for (int i = 0; i < distinct; i++)
            {
                sortedArms[i] = recode[sortedArms[i]];
            }
            armNames = ordinal.Select(a => a.name).ToArray();
        }
        return new AssignmentArms(armNames, sortedKeys[..distinct], sortedArms[..distinct], plan);
    }

    private static void CheckArms(ExportFile file, CategoryDictionary names, BucketAllocation? plan, long firstRow)
    {
        if (plan is not null && names.Count > plan.Arms.Count)
        {
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.InvalidValue,
                $"arm '{names.Names[plan.Arms.Count]}' is not in the planned allocation {HoldoutAssignmentWriter.FormatAllocation(plan)}", AssignmentColumns.Arm, [firstRow]);
        }
        if (names.Count > byte.MaxValue)
        {
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.InvalidValue, $"more than {byte.MaxValue} arms", AssignmentColumns.Arm);
        }
    }

    private static BucketAllocation ParsePlan(ExportFile file, string text)
    {
        var shares = new List<KeyValuePair<string, double>>();
        foreach (string part in text.Split(','))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || !double.TryParse(part.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double share))
            {
                throw ExportValidationException.Single(file.Name, ExportErrorCodes.InvalidValue, $"metadata {HoldoutAssignmentWriter.AllocationKey} '{text}' is not arm=share,…");
            }
            shares.Add(new(part[..eq], share));
        }
        try
        {
            return BucketAllocation.FromShares(shares);
        }
        catch (ArgumentException e)
        {
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.InvalidValue, $"metadata {HoldoutAssignmentWriter.AllocationKey} '{text}': {e.Message}");
        }
    }
}
