namespace LiftPipeline.Cli.Hosting;

/// <summary>The demo's store folder and the repository's <c>samples/</c> it is copied from.</summary>
internal sealed class DemoStoreException(string message) : Exception(message);

/// <summary>
/// Prepares the folder store of <c>lift demo</c>: finds <c>samples/</c> (a folder holding <c>campaigns/</c>, laid out as
/// a store) and copies it into the demo folder, which is marked with <see cref="Marker"/> (listing the files copied) so a
/// later demo may replace what it made, and nothing else.
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
    /// Copies the <c>campaigns/</c>, <c>exports/</c>, <c>customers/</c> and <c>audiences/</c> folders of <paramref name="samples"/> into <paramref name="target"/>.
    /// The demo deletes only what it made: in a folder it made (it holds <see cref="Marker"/>, which lists the sample files
    /// copied) it deletes those files and the pipeline's output folders (<see cref="OutputFolders"/>) so the demo starts
    /// fresh, and keeps every other file. Any other non-empty folder is refused unless <paramref name="force"/>: then the
    /// samples are copied into it without deleting or overwriting anything of the user's (a different file at a sample's
    /// path is refused) and it is not marked, so a later plain demo refuses it too. Returns the number of files copied.
    /// </summary>
    /// <exception cref="DemoStoreException">The target is a non-empty folder of something else, a file, or holds a different file at a sample's path.</exception>
    public static int Prepare(string samples, string target, bool force)
    {
        if (File.Exists(target))
        {
            throw new DemoStoreException($"--dir '{target}' is a file; give a folder for the demo store.");
        }
        bool mark = true;
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            var marker = Path.Combine(target, Marker);
            if (File.Exists(marker))
            {
                DeleteOwn(target, File.ReadAllLines(marker));
            }
            else if (force)
            {
                mark = false;
            }
            else
            {
                throw new DemoStoreException($"{target} is not empty and was not made by lift demo; choose another --dir, or pass --force to copy the samples into it (nothing of yours is deleted or overwritten).");
            }
        }
        Directory.CreateDirectory(target);
        var copied = new List<string>();
        var files = new[] { "campaigns", "exports", "customers", "audiences" }.Select(folder => Path.Combine(samples, folder)).Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(samples, file);
            var destination = Path.Combine(target, relative);
            if (!mark && File.Exists(destination))
            {
                if (!File.ReadAllBytes(destination).AsSpan().SequenceEqual(File.ReadAllBytes(file)))
                {
                    throw new DemoStoreException($"{destination} already exists and differs from the sample; the demo does not overwrite your files: choose another --dir.");
                }
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
            copied.Add(relative.Replace(Path.DirectorySeparatorChar, '/'));
        }
        if (mark)
        {
            File.WriteAllLines(Path.Combine(target, Marker), ["Made by `lift demo` from " + samples + "; it deletes only the files listed below and its output folders.", .. copied]);
        }
        return copied.Count;
    }

    /// <summary>The folders a pipeline run over the demo store writes, emptied when a demo folder is prepared again.</summary>
    public static readonly IReadOnlyList<string> OutputFolders = ["alerts", "datasets", "quarantine", "reports", "runs"];

    /// <summary>Deletes the sample files an earlier demo listed in its marker (names that stay inside <paramref name="target"/>) and the output folders.</summary>
    private static void DeleteOwn(string target, string[] marker)
    {
        var root = Path.GetFullPath(target);
        var inside = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        foreach (var line in marker.Skip(1))
        {
            var path = Path.GetFullPath(Path.Combine(root, line));
            if (line.Length > 0 && path.StartsWith(inside, StringComparison.Ordinal) && File.Exists(path) && !ThroughLink(root, path))
            {
                File.Delete(path);
            }
        }
        foreach (var folder in OutputFolders)
        {
            var path = Path.Combine(root, folder);
            if (Directory.Exists(path))
            {
                if (new DirectoryInfo(path).LinkTarget is null)
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    Directory.Delete(path);   // a link: remove the link, never what it points at
                }
            }
        }
    }

    /// <summary>True when <paramref name="path"/> or a folder between it and <paramref name="root"/> is a symbolic link (the file then lies outside the demo folder).</summary>
    private static bool ThroughLink(string root, string path)
    {
        for (var entry = path; entry.Length > root.Length; entry = Path.GetDirectoryName(entry)!)
        {
            if (new FileInfo(entry).LinkTarget is not null)
            {
                return true;
            }
        }
        return false;
    }
}
