namespace LiftPipeline.Ingestion.Audiences;

/// <summary>A set of customers looked up by id as UTF-8 text (integer ids in decimal), without allocating.</summary>
public interface ICustomerSet
{
    /// <summary>True when the customer <paramref name="idUtf8"/> is in the set.</summary>
    bool Contains(ReadOnlySpan<byte> idUtf8);
}
