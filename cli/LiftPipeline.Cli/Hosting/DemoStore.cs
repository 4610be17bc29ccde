namespace LiftPipeline.Cli.Hosting;

/// <summary>The demo's store folder and the repository's <c>samples/</c> it is copied from.</summary>
internal sealed class DemoStoreException(string message) : Exception(message);

/// <summary>
/// Prepares the folder store of <c>lift demo</c>: finds <c>samples/</c> (a folder holding <c>campaigns/</c>, laid out as
/// a store) and copies it into the demo folder, which is marked with <see cref="Marker"/> so a later demo may replace it.
/// </summary>
internal static class DemoStore
{
    /// <summary>The file that marks a folder as made by <c>lift demo</c>.</summary>
    public const string Marker = ".lift-demo";

    /// <summary>
    /// The samples folder: <paramref name="explicitSamples"/> when given, else the first <c>samples/</c> holding
    /// <c>campaigns/</c> found walking up from <paramref name="currentDirectory"/>, then from <see cref="AppContext.BaseDirectory"/>.
    /// </summary>
    /// <exception cref="DemoStoreException">None is found, or the given one has no campaigns/ folder.</exception>
    public static string LocateSamples(string? explicitSamples, string currentDirectory)
    {
        if (explicitSamples is not null)
        {
            var full = Path.GetFullPath(explicitSamples, currentDirectory);
            return Directory.Exists(Path.Combine(full, "campaigns"))
                ? full
                : throw new DemoStoreException($"--samples '{full}' has no campaigns/ folder; point it at the repository's samples/ (campaigns/{{id}}/campaign.json, exports/{{id}}/*.parquet).");
        }
        foreach (var start in new[] { currentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples");
                if (Directory.Exists(Path.Combine(candidate, "campaigns")))
                {
                    return candidate;
                }
            }
        }
        throw new DemoStoreException($"No samples/ folder with campaigns/ was found above {currentDirectory} or {AppContext.BaseDirectory}; run from the repository, or pass --samples DIR.");
    }

    /// <summary>
    /// Copies the <c>campaigns/</c> and <c>exports/</c> folders of <paramref name="samples"/> into <paramref name="target"/>. An earlier demo folder (it holds <see cref="Marker"/>)
    /// is emptied first so the demo starts fresh; any other non-empty folder is refused unless <paramref name="force"/>,
    /// in which case the samples are copied over it and nothing else in it is removed. Returns the number of files copied.
    /// </summary>
    /// <exception cref="DemoStoreException">The target is a non-empty folder of something else, or a file.</exception>
    public static int Prepare(string samples, string target, bool force)
    {
        if (File.Exists(target))
        {
            throw new DemoStoreException($"--dir '{target}' is a file; give a folder for the demo store.");
        }
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            if (File.Exists(Path.Combine(target, Marker)))
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(target))
                {
                    if (Directory.Exists(entry))
                    {
                        Directory.Delete(entry, recursive: true);
                    }
                    else
                    {
                        File.Delete(entry);
                    }
                }
            }
            else if (!force)
            {
                throw new DemoStoreException($"{target} is not empty and was not made by lift demo; choose another --dir, or pass --force to copy the samples over it.");
            }
        }
        Directory.CreateDirectory(target);
        int copied = 0;
        var files = new[] { "campaigns", "exports" }.Select(folder => Path.Combine(samples, folder)).Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(samples, file);
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
            copied++;
        }
        File.WriteAllText(Path.Combine(target, Marker), "Made by `lift demo` from " + samples + Environment.NewLine);
        return copied;
    }
}
