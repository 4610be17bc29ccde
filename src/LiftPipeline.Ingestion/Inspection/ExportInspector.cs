using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Ingestion.Inspection;

/// <summary>
/// Opens an export, checks every column chunk decodes, detects its contract and validates it in full —
/// the engine of <c>lift inspect</c>. Never throws for a bad file: problems come back as errors.
/// </summary>
public static class ExportInspector
{
    private const string Measurement = "measurement";
    private const string Design = "design";
    private const string Audiences = "audiences";

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
        return !Has(ContractColumns.CustomerId) ? ExportContract.Unknown
            : Has(ContractColumns.Arm) ? ExportContract.Experiment
            : Has(CustomerColumns.AsOf) ? ExportContract.Customers
            : ExportContract.Unknown;
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
            return await InspectAsync(file, mapping, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Inspects an open export (named by its <see cref="ExportFile.Name"/>); the file stays open.</summary>
    internal static async Task<ExportInspection> InspectAsync(ExportFile file, ColumnMapping? mapping, CancellationToken cancellationToken)
    {
        var contract = Detect(file, mapping);
        var (errors, validFor) = await ValidateAsync(file, contract, mapping ?? ColumnMapping.Default, cancellationToken).ConfigureAwait(false);
        return new ExportInspection(file.Name, file.Rows, file.RowGroupCount, file.CreatedBy, file.Codecs, file.Columns, contract, errors) { ValidFor = validFor };
    }

    // One pass: each row group's chunks are decoded once, by the contract's reader or, for the columns it does not read, by
    // the integrity check. A file whose contract columns do not resolve is checked whole first, so damage is reported before layout.
    private static async Task<(IReadOnlyList<ExportError> Errors, string? ValidFor)> ValidateAsync(ExportFile file, ExportContract contract, ColumnMapping mapping, CancellationToken cancellationToken)
    {
        try
        {
            switch (contract)
            {
                case ExportContract.Panel:
                    var panelOptions = new PanelExportOptions { Columns = mapping };
                    var layout = await ResolveOrVerifyAsync(file, () => PanelLayout.Resolve(file, panelOptions), cancellationToken).ConfigureAwait(false);
                    var buffers = file.VerificationBuffers(layout.Columns);
                    for (int g = 0; g < file.RowGroupCount; g++)
                    {
                        await file.VerifyRowGroupAsync(g, buffers, cancellationToken).ConfigureAwait(false);
                    }
                    var readiness = PanelReadiness.Of(await PanelExportReader.ReadAsync(file, panelOptions, cancellationToken).ConfigureAwait(false));
                    return readiness switch
                    {
                        { Measurable: true } => ([], Measurement),
                        { DesignOnly: true } => ([], Design),
                        _ => ([new ExportError(ExportErrorCodes.TooFewPrePeriods, readiness.Problem!, ContractColumns.Treated, [])], null),
                    };
                case ExportContract.Experiment:
                    var reader = await ResolveOrVerifyAsync(file, () => ExperimentExportReader.Open(file, new ExperimentExportOptions { Columns = mapping }), cancellationToken)
                        .ConfigureAwait(false);
                    var others = file.VerificationBuffers(reader.ColumnsRead);
                    for (int g = 0; g < reader.RowGroupCount; g++)
                    {
                        await file.VerifyRowGroupAsync(g, others, cancellationToken).ConfigureAwait(false);
                        await reader.ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
                    }
                    return ([], Measurement);
                case ExportContract.Customers:
                    var customers = await ResolveOrVerifyAsync(file, () => CustomerExportReader.Open(file, new CustomerExportOptions { Columns = mapping, ReadContacts = true }), cancellationToken)
                        .ConfigureAwait(false);
                    var rest = file.VerificationBuffers(customers.ColumnsRead);
                    var duplicates = new CustomerIdDuplicates();
                    for (int g = 0; g < customers.RowGroupCount; g++)
                    {
                        await file.VerifyRowGroupAsync(g, rest, cancellationToken).ConfigureAwait(false);
                        duplicates.Add(await customers.ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false));
                    }
                    await duplicates.ThrowIfAnyAsync(customers, cancellationToken).ConfigureAwait(false);
                    return ([], Audiences);
                default:
                    await file.VerifyAsync(cancellationToken).ConfigureAwait(false);
                    return ([new ExportError(ExportErrorCodes.UnknownContract,
                        $"the columns match neither the panel contract ({ContractColumns.Unit}, {ContractColumns.Period}, {ContractColumns.Treated}) nor the experiment contract ({ContractColumns.CustomerId}, {ContractColumns.Arm}) nor the customers contract ({CustomerColumns.CustomerId}, {CustomerColumns.AsOf}); map the columns if they are named differently (lift: --map unit=geo,period=date; campaign.json: \"columns\")",
                        null, [])], null);
            }
        }
        catch (ExportValidationException e)
        {
            return (e.Errors, null);
        }
    }

    private static async Task<T> ResolveOrVerifyAsync<T>(ExportFile file, Func<T> resolve, CancellationToken cancellationToken)
    {
        try
        {
            return resolve();
        }
        catch (ExportValidationException)
        {
            await file.VerifyAsync(cancellationToken).ConfigureAwait(false);
            throw;
        }
    }
}
