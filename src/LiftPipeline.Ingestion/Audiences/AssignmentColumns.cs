namespace LiftPipeline.Ingestion.Audiences;

/// <summary>Columns of a holdout assignment file (docs/audiences.md): one row per customer taking part in the test.</summary>
public static class AssignmentColumns
{
    /// <summary>The customer, as the customers export gave it (text or INT64).</summary>
    public const string CustomerId = ContractColumns.CustomerId;

    /// <summary>The arm the customer is in.</summary>
    public const string Arm = ContractColumns.Arm;

    /// <summary>The audience the test runs on.</summary>
    public const string Audience = "audience";

    /// <summary>The layer of mutually exclusive tests, null when the test is not in one.</summary>
    public const string Layer = "layer";

    /// <summary>The hash version and the test's salt, <c>sha256-be64-mod10000-v1:{salt}</c>: how the row was made.</summary>
    public const string SaltVersion = "salt_version";
}
