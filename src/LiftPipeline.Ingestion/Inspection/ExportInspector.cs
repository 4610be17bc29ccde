using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Ingestion.Panels;
namespace LiftPipeline.Ingestion.Inspection;

/// <summary>
/// Opens an export, checks every column chunk decodes, detects its contract and validates it in full —
/// the engine of <c>lift inspect</c>. Never throws for a bad file: problems come back as errors.
/// </summary>
public static class ExportInspector
{
    /// <summary>The contract whose key columns the file has (through <paramref name="mapping"/>).</summary>
    public static ExportContract Detect(ExportFile file, ColumnMapping? mapping = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        mapping ??= ColumnMapping.Default;
        bool Has(string name) => file.Find(mapping.Resolve(name)) is not null;
        if (Has(ContractColumns.Unit) && Has(ContractColumns.Period) && Has(ContractColumns.Treated))
        {
            return ExportContract.Panel;
        }
        return Has(ContractColumns.CustomerId) && Has(ContractColumns.Arm) ? ExportContract.Experiment : ExportContract.Unknown;
    }

    /// <summary>Inspects the file at <paramref name="path"/>.</summary>
    public static async Task<ExportInspection> InspectAsync(string path, ColumnMapping? mapping = null, CancellationToken cancellationToken = default)
    {
        ExportFile file;
        try
        {
            file = await ExportFile.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (ExportValidationException e)
        {
            return new ExportInspection(path, 0, 0, null, [], [], ExportContract.Unknown, e.Errors);
        }
        await using (file.ConfigureAwait(false))
        {
            var contract = Detect(file, mapping);
            var errors = await ValidateAsync(file, contract, mapping ?? ColumnMapping.Default, cancellationToken).ConfigureAwait(false);
            return new ExportInspection(path, file.Rows, file.RowGroupCount, file.CreatedBy, file.Codecs, file.Columns, contract, errors);
        }
    }

    private static async Task<IReadOnlyList<ExportError>> ValidateAsync(ExportFile file, ExportContract contract, ColumnMapping mapping, CancellationToken cancellationToken)
    {
        try
        {
            await file.VerifyAsync(cancellationToken).ConfigureAwait(false);
            switch (contract)
            {
                case ExportContract.Panel:
                    await PanelExportReader.ReadAsync(file, new PanelExportOptions { Columns = mapping }, cancellationToken).ConfigureAwait(false);
                    break;
                case ExportContract.Experiment:
                    var reader = ExperimentExportReader.Open(file, new ExperimentExportOptions { Columns = mapping });
                    for (int g = 0; g < reader.RowGroupCount; g++)
                    {
                        await reader.ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
                    }
                    break;
                default:
                    return [new ExportError(ExportErrorCodes.UnknownContract,
                        $"the columns match neither the panel contract ({ContractColumns.Unit}, {ContractColumns.Period}, {ContractColumns.Treated}) nor the experiment contract ({ContractColumns.CustomerId}, {ContractColumns.Arm}); map the columns if they are named differently",
                        null, [])];
            }
            return [];
        }
        catch (ExportValidationException e)
        {
            return e.Errors;
        }
    }
}
