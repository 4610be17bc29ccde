namespace LiftPipeline.Tests.Functions;

/// <summary>Where the functions app's build output is: the worker SDK's files are copied next to this test assembly.</summary>
internal static class FunctionsAppOutput
{
    /// <summary>The folder holding LiftPipeline.Functions.dll, functions.metadata, worker.config.json and host.json.</summary>
    public static string Folder => AppContext.BaseDirectory;

    /// <summary>A file of the app's output; fails the test when the build did not put it there.</summary>
    public static string File(string name)
    {
        string path = Path.Combine(Folder, name);
        Assert.True(System.IO.File.Exists(path), $"{name} is not in {Folder}; the functions project's build output should be copied there.");
        return path;
    }
}
