namespace LiftPipeline.Tests;

/// <summary>Finds the repository's test data (tests/data) from wherever the test assembly runs.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("tests/data not found above " + AppContext.BaseDirectory);
    });

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    public static string Corpus(params string[] parts) => Path(["parquet-corpus", .. parts]);

    public static string Panel(string file) => Path("panels", file);

    /// <summary>A path in the repository's sample store (samples/, laid out like the object store), which sits two levels above tests/data.</summary>
    public static string Samples(params string[] parts) => System.IO.Path.GetFullPath(System.IO.Path.Combine([Root.Value, "..", "..", "samples", .. parts]));

    /// <summary>
    /// The vbo-holdout sample's campaign.json with <paramref name="privacy"/> (a <c>"privacy": {…},</c> member, or empty) in
    /// place of the sample's own privacy block, for tests that set their own.
    /// </summary>
    public static string VboHoldoutConfigWithPrivacy(string privacy)
    {
        string config = File.ReadAllText(Samples("campaigns", "vbo-holdout", "campaign.json"));
        int start = config.IndexOf("\"privacy\":", StringComparison.Ordinal);
        int end = config.IndexOf('{', start), depth = 0;
        do
        {
            depth += config[end] == '{' ? 1 : config[end] == '}' ? -1 : 0;
            end++;
        }
        while (depth > 0);
        return config[..start] + privacy + config[(config.IndexOf(',', end) + 1)..];
    }

    /// <summary>A fresh empty directory under the system temp folder, removed when disposed.</summary>
    public static TempDirectory TempDirectory() => new();
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        FullName = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "liftpipeline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(FullName);
    }

    public string FullName { get; }

    public string File(string name) => System.IO.Path.Combine(FullName, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(FullName, recursive: true);
        }
        catch (IOException)
        {
            // A reader still holding a file open on some platforms; the temp folder is cleaned by the OS.
        }
    }
}
