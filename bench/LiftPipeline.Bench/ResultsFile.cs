namespace LiftPipeline.Bench;

/// <summary>
/// bench/RESULTS.md: each benchmark owns one section between <c>&lt;!-- {name}:begin --&gt;</c> and
/// <c>&lt;!-- {name}:end --&gt;</c>, replaced in place on every run and appended the first time.
/// </summary>
internal static class ResultsFile
{
    /// <summary>The repository root (the folder holding LiftPipeline.sln), from the working or the output directory.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LiftPipeline.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (LiftPipeline.sln).");
    }

    /// <summary>Writes <paramref name="body"/> (markdown, starting with its heading) as section <paramref name="name"/>.</summary>
    public static void WriteSection(string name, string command, string body)
    {
        string results = Path.Combine(RepositoryRoot(), "bench", "RESULTS.md");
        string begin = $"<!-- {name}:begin (written by `{command}`; edits inside are overwritten) -->";
        string end = $"<!-- {name}:end -->";
        string text = begin + "\n" + body.TrimEnd('\n') + "\n" + end;
        string existing = File.Exists(results) ? File.ReadAllText(results) : "# Benchmark results\n";
        int from = existing.IndexOf($"<!-- {name}:begin", StringComparison.Ordinal);
        int to = existing.IndexOf(end, StringComparison.Ordinal);
        string updated = from >= 0 && to > from
            ? existing[..from] + text + existing[(to + end.Length)..]
            : existing.TrimEnd('\n') + "\n\n" + text + "\n";
        File.WriteAllText(results, updated);
        Console.WriteLine($"Wrote {results}");
    }
}
