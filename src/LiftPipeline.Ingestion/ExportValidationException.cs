namespace LiftPipeline.Ingestion;

/// <summary>
/// An export that cannot be used, with every problem found. The message names the file, the stable code,
/// the column and the first offending rows, so a data analyst can find and fix them.
/// </summary>
public sealed class ExportValidationException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/> with at least one error.</summary>
    public ExportValidationException(string file, IReadOnlyList<ExportError> errors, Exception? inner = null)
        : base(Describe(file, errors), inner)
    {
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }
        File = file;
        Errors = errors;
    }

    /// <summary>The export's name as given when it was opened.</summary>
    public string File { get; }

    /// <summary>All problems found, most fundamental first.</summary>
    public IReadOnlyList<ExportError> Errors { get; }

    /// <summary>The code of the first error.</summary>
    public string Code => Errors[0].Code;

    /// <summary>Creates the exception for a single problem.</summary>
    public static ExportValidationException Single(string file, string code, string message, string? column = null, IReadOnlyList<long>? rows = null, Exception? inner = null) =>
        new(file, [new ExportError(code, message, column, rows ?? [])], inner);

    private static string Describe(string file, IReadOnlyList<ExportError> errors)
    {
        if (errors.Count == 0)
        {
            return file;
        }
        string more = errors.Count > 1 ? $" (and {errors.Count - 1} more problem{(errors.Count > 2 ? "s" : "")}: {string.Join("; ", errors.Skip(1).Select(e => e.ToString()))})" : "";
        return $"{file}: {errors[0]}{more}";
    }
}
