using System.CommandLine;
using LiftPipeline.Ingestion;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// <c>--map unit=geo,period=date</c>: the file's names for contract columns, as campaign.json's <c>columns</c> gives them.
/// A key that is not a contract column, an empty name or a column mapped twice is a parse error naming the item.
/// </summary>
internal static class ColumnMapOption
{
    /// <summary>The example every message and description shows.</summary>
    public const string Example = "unit=geo,period=date";

    /// <summary>A new <c>--map</c> option for the panel and experiment contracts; its value is null when not given.</summary>
    public static Option<ColumnMapping?> Create() => Create(ContractColumns.Mappable, Example);

    /// <summary>A new <c>--map</c> option whose keys are <paramref name="mappable"/>, shown with <paramref name="example"/>; null when not given.</summary>
    public static Option<ColumnMapping?> Create(IReadOnlyList<string> mappable, string example) => new("--map")
    {
        Description = $"The file's names for contract columns, contract=file comma separated (e.g. {example}); the keys are {string.Join(", ", mappable)}. Default: the contract's names.",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
            {
                var parts = item.Split('=', StringSplitOptions.TrimEntries);
                string? problem = parts is not [{ Length: > 0 } key, { Length: > 0 } column]
                    ? $"--map '{item}' is not contract=file; give a comma list such as {example}."
                    : !mappable.Contains(key) ? $"--map '{key}' is not a contract column; map one of {string.Join(", ", mappable)}."
                    : !map.TryAdd(key, column) ? $"--map names '{key}' twice; give each contract column one file column."
                    : null;
                if (problem is not null)
                {
                    result.AddError(problem);
                    return null;
                }
            }
            return new ColumnMapping(map);
        },
    };
}
