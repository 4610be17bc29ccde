using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Ingestion.ParquetFormat;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Ingestion.Customers;

/// <summary>The file columns that play each role of the <c>customers</c> contract, and which of them are decoded.</summary>
internal sealed record CustomerLayout(
    ParquetColumnInfo Id,
    IReadOnlyList<ParquetColumnInfo> Decoded,
    bool DiscountIsCount,
    ParquetColumnInfo? Email,
    ParquetColumnInfo? Phone,
    IReadOnlyList<ParquetColumnInfo> Extras,
    bool Full)
{
    /// <summary>Every column decoded: the id, the profile columns (unless ids only), contacts asked for, extras.</summary>
    public IReadOnlyList<ParquetColumnInfo> Read =>
        [Id, .. Full ? Decoded : [], .. new[] { Email, Phone }.Where(c => c is not null).Select(c => c!), .. Extras];

    public static bool CanBeId(ParquetColumnType type) => type.IsInteger ||
        (type.Physical == ParquetPhysicalType.ByteArray && type.Kind is ParquetValueKind.Plain or ParquetValueKind.Text);

    public static bool CanBeDate(ParquetColumnType type) => !type.IsInteger && ColumnDecoders.PeriodKindOf(type) is PeriodKind.Date or PeriodKind.Timestamp;

    public static bool CanBeText(ParquetColumnType type) =>
        type.Physical == ParquetPhysicalType.ByteArray && type.Kind is ParquetValueKind.Plain or ParquetValueKind.Text;

    private static bool CanBeExtra(ParquetColumnType type) => ColumnDecoders.CanBeNumber(type) || CanBeDate(type) || CanBeText(type);

    public static CustomerLayout Resolve(ExportFile file, CustomerExportOptions options)
    {
        var errors = new ExportErrorCollector(file.Name);
        var resolver = new ContractColumnResolver(file, options.Columns, errors);
        var id = resolver.Required(CustomerColumns.CustomerId, CanBeId, "text or integer");
        var asOf = resolver.Required(CustomerColumns.AsOf, CanBeDate, "a date (DATE, TIMESTAMP or yyyy-MM-dd text)");
        var first = resolver.Required(CustomerColumns.FirstOrderDate, CanBeDate, "a date (DATE, TIMESTAMP or yyyy-MM-dd text)");
        var last = resolver.Required(CustomerColumns.LastOrderDate, CanBeDate, "a date (DATE, TIMESTAMP or yyyy-MM-dd text)");
        var orders = resolver.Required(CustomerColumns.Orders, ColumnDecoders.CanBeNumber, "numeric");
        var revenue = resolver.Required(CustomerColumns.Revenue, ColumnDecoders.CanBeNumber, "numeric");
        var share = resolver.Optional(CustomerColumns.DiscountedShare, ColumnDecoders.CanBeNumber, "numeric (0 to 1)");
        var discountedOrders = resolver.Optional(CustomerColumns.DiscountedOrders, ColumnDecoders.CanBeNumber, "numeric");
        if (share is null && discountedOrders is null && file.Find(options.Columns.Resolve(CustomerColumns.DiscountedShare)) is null
            && file.Find(options.Columns.Resolve(CustomerColumns.DiscountedOrders)) is null)
        {
            errors.Add(ExportErrorCodes.MissingColumn, CustomerColumns.DiscountedShare,
                $"required column is missing: give {CustomerColumns.DiscountedShare} (0 to 1) or {CustomerColumns.DiscountedOrders} (a count)");
        }
        var ageBand = resolver.Required(CustomerColumns.AgeBand, ColumnDecoders.CanBeCategory, "text or integer");
        var country = resolver.Required(CustomerColumns.Country, ColumnDecoders.CanBeCategory, "text or integer");
        var email = resolver.Optional(CustomerColumns.Email, CanBeText, "text");
        var phone = resolver.Optional(CustomerColumns.Phone, CanBeText, "text");
        var contract = new[] { id, asOf, first, last, orders, revenue, share, discountedOrders, ageBand, country, email, phone,
            file.Find(options.Columns.Resolve(CustomerColumns.Email)), file.Find(options.Columns.Resolve(CustomerColumns.Phone)),
            file.Find(options.Columns.Resolve(CustomerColumns.DiscountedShare)), file.Find(options.Columns.Resolve(CustomerColumns.DiscountedOrders)) }
            .Where(c => c is not null).Select(c => c!.Index).ToHashSet();
        var extras = ResolveExtras(file, options, resolver, errors, contract);
        errors.ThrowIfAny();
        if (file.Rows == 0)
        {
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.EmptyFile, "the export holds no rows");
        }
        var discount = share ?? discountedOrders!;
        return new CustomerLayout(id!, [asOf!, first!, last!, orders!, revenue!, discount, ageBand!, country!], share is null,
            options.ReadContacts ? email : null, options.ReadContacts ? phone : null, extras, !options.IdsOnly);
    }

    private static IReadOnlyList<ParquetColumnInfo> ResolveExtras(ExportFile file, CustomerExportOptions options, ContractColumnResolver resolver, ExportErrorCollector errors, HashSet<int> contract)
    {
        if (options.Extras is null)
        {
            return options.IdsOnly ? [] : file.Columns.Where(c => !c.IsNested && !contract.Contains(c.Index) && CanBeExtra(c.Type)).ToArray();
        }
        var extras = new List<ParquetColumnInfo>();
        foreach (var name in options.Extras)
        {
            if (resolver.Required(name, CanBeExtra, "numeric, boolean, date or text") is { } column)
            {
                if (contract.Contains(column.Index))
                {
                    errors.Add(ExportErrorCodes.InvalidValue, column.Name, "is a contract column, not an extra one");
                }
                else
                {
                    extras.Add(column);
                }
            }
        }
        return extras;
    }
}
