namespace LiftPipeline.Ingestion.Customers;

/// <summary>Column names of the <c>customers</c> export contract (docs/audiences.md): one row per customer.</summary>
public static class CustomerColumns
{
    /// <summary>The customer, text or integer; the same id the experiment exports carry.</summary>
    public const string CustomerId = ContractColumns.CustomerId;

    /// <summary>The date the export describes the customer at.</summary>
    public const string AsOf = "as_of";

    /// <summary>Date of the first order; null only for a customer with no orders.</summary>
    public const string FirstOrderDate = "first_order_date";

    /// <summary>Date of the last order; null only for a customer with no orders.</summary>
    public const string LastOrderDate = "last_order_date";

    /// <summary>Orders, a non-negative count.</summary>
    public const string Orders = "orders";

    /// <summary>Revenue, finite.</summary>
    public const string Revenue = "revenue";

    /// <summary>Share of orders placed with a discount, 0 to 1 (or give <see cref="DiscountedOrders"/>).</summary>
    public const string DiscountedShare = "discounted_share";

    /// <summary>Orders placed with a discount, a count no larger than <see cref="Orders"/> (or give <see cref="DiscountedShare"/>).</summary>
    public const string DiscountedOrders = "discounted_orders";

    /// <summary>Age band as text (<c>18-24</c>, <c>25-34</c>, …); may be null.</summary>
    public const string AgeBand = "age_band";

    /// <summary>Country, ISO 3166 alpha-2 text; may be null.</summary>
    public const string Country = "country";

    /// <summary>Optional raw email for activation exports; never written anywhere unhashed.</summary>
    public const string Email = "email";

    /// <summary>Optional raw phone number for activation exports; never written anywhere unhashed.</summary>
    public const string Phone = "phone";

    /// <summary>The contract columns <c>--map</c> may point at another file column.</summary>
    public static IReadOnlyList<string> Mappable { get; } =
        [CustomerId, AsOf, FirstOrderDate, LastOrderDate, Orders, Revenue, DiscountedShare, DiscountedOrders, AgeBand, Country, Email, Phone];
}
