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
