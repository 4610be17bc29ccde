namespace LiftPipeline.Pipeline.Storage;

public static partial class ObjectName
{
    /// <summary>
    /// Throws <see cref="ObjectStoreException"/> (<see cref="ObjectStoreException.InvalidName"/>) unless
    /// <paramref name="prefix"/> is a safe listing prefix: empty (everything), or an object name optionally followed by
    /// one '/' (a folder, e.g. <c>reports/</c>).
    /// </summary>
    public static string ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return prefix;
        }
        var body = prefix.EndsWith('/') ? prefix[..^1] : prefix;
        if (body.Length == 0)
        {
            throw Invalid(prefix, "a listing prefix is empty (everything) or starts with a name segment, not '/'");
        }
        Validate(body);
        return prefix;
    }
}
