using LiftPipeline.Ingestion.ParquetFormat;

namespace LiftPipeline.Ingestion.Columns;

/// <summary>Finds contract columns in a file through the column mapping and reports missing, nested or mistyped ones.</summary>
internal sealed class ContractColumnResolver(ExportFile file, ColumnMapping mapping, ExportErrorCollector errors)
{
    public ParquetColumnInfo? Required(string contractName, Func<ParquetColumnType, bool> accepts, string expected)
    {
        string name = mapping.Resolve(contractName);
        var column = Find(name);
        if (column is null)
        {
            string mapped = name == contractName ? "" : $" (mapped from '{contractName}')";
            errors.Add(ExportErrorCodes.MissingColumn, name, $"required column is missing{mapped}; the file has {Describe(file.Columns)}");
            return null;
        }
        return Check(column, accepts, expected);
    }

    public ParquetColumnInfo? Optional(string contractName, Func<ParquetColumnType, bool> accepts, string expected)
    {
        var column = Find(mapping.Resolve(contractName));
        return column is null ? null : Check(column, accepts, expected);
    }

    /// <summary>The named metric columns, or every numeric non-boolean column not used by the contract.</summary>
    public IReadOnlyList<ParquetColumnInfo> Metrics(IReadOnlyList<string>? names, IEnumerable<ParquetColumnInfo?> contract)
    {
        var used = contract.Where(c => c is not null).Select(c => c!.Index).ToHashSet();
        if (names is null)
        {
            var found = file.Columns
                .Where(c => !c.IsNested && !used.Contains(c.Index) && c.Type.IsNumeric)
                .ToArray();
            if (found.Length == 0)
            {
                errors.Add(ExportErrorCodes.MissingColumn, null, $"no numeric metric column; the file has {Describe(file.Columns)}");
            }
            return found;
        }
        var metrics = new List<ParquetColumnInfo>();
        foreach (var name in names)
        {
            if (Required(name, ColumnDecoders.CanBeNumber, "numeric") is { } column)
            {
                metrics.Add(column);
            }
        }
        return metrics;
    }

    private ParquetColumnInfo? Find(string name)
    {
        var nested = file.Columns.FirstOrDefault(c => c.IsNested && c.Name == name);
        var column = file.Find(name);
        if (column is null && nested is not null)
        {
            errors.Add(ExportErrorCodes.UnsupportedColumn, nested.Path, "is nested or repeated; exports need flat columns");
        }
        return column;
    }

    private ParquetColumnInfo? Check(ParquetColumnInfo column, Func<ParquetColumnType, bool> accepts, string expected)
    {
        if (accepts(column.Type))
        {
            return column;
        }
        string logical = column.Type.LogicalName is { } l ? $" {l}" : "";
        errors.Add(ExportErrorCodes.WrongType, column.Name, $"is {column.Type.PhysicalName}{logical}; expected {expected}");
        return null;
    }

    private static string Describe(IReadOnlyList<ParquetColumnInfo> columns) =>
        columns.Count == 0 ? "no columns" : "columns " + string.Join(", ", columns.Select(c => $"'{c.Path}'"));
}
