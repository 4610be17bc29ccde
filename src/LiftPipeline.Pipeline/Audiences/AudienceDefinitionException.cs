namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// An audience.json that cannot be used, with every problem found. The message is one line naming the file and each
/// field's JSON path: <c>audiences/vip/audience.json has 2 problems: segments[0].name: …; lifecycle.activeDays: …</c>.
/// </summary>
public sealed class AudienceDefinitionException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/> with at least one problem (<c>path: message</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="problems"/> is empty.</exception>
    public AudienceDefinitionException(string file, IReadOnlyList<string> problems, Exception? inner = null)
        : base($"{file} has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}: {string.Join("; ", problems)}", inner)
    {
        if (problems.Count == 0)
        {
            throw new ArgumentException("At least one problem is required.", nameof(problems));
        }
        File = file;
        Problems = problems;
    }

    /// <summary>The file read.</summary>
    public string File { get; }

    /// <summary>Every problem as <c>path: message</c>, in document order.</summary>
    public IReadOnlyList<string> Problems { get; }
}
