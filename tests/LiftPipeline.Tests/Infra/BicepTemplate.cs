using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace LiftPipeline.Tests.Infra;

/// <summary>
/// infra/main.bicep compiled once per test class with the pinned Bicep compiler (PackageDownload of
/// Azure.Bicep.CommandLine.linux-x64).
/// </summary>
public sealed class BicepTemplate
{
    public BicepTemplate()
    {
        var bicep = CompilerPath();
        var source = Path.Combine(RepositoryRoot(), "infra", "main.bicep");
        var build = Run(bicep, "build", source, "--stdout");
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build {source} failed ({build.ExitCode}): {build.StdErr}");
        }
        Json = JsonNode.Parse(build.StdOut)!.AsObject();
        BuildDiagnostics = build.StdErr.Trim();
    }

    /// <summary>The ARM JSON template.</summary>
    public JsonObject Json { get; }

    /// <summary>Compiler and linter warnings printed by <c>bicep build</c> (which runs the linter); empty when clean.</summary>
    public string BuildDiagnostics { get; }

    /// <summary>Every resource object of the template (a list: the file uses no symbolic names).</summary>
    public IReadOnlyList<JsonObject> Resources => Json["resources"]!.AsArray().Select(r => r!.AsObject()).ToList();

    /// <summary>The one resource of the given type; fails when there is not exactly one.</summary>
    public JsonObject Single(string type) => Resources.Single(r => (string?)r["type"] == type);

    private static string CompilerPath()
    {
        var path = typeof(BicepTemplate).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepPath").Value!;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Bicep compiler not found at {path}: restore tests/LiftPipeline.Tests (PackageDownload Azure.Bicep.CommandLine.linux-x64).", path);
        }
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "infra", "main.bicep")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("infra/main.bicep not found above " + AppContext.BaseDirectory);
    }

    private static (int ExitCode, string StdOut, string StdErr) Run(string exe, params string[] args)
    {
        var start = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // No telemetry and no check for newer versions: the test runs offline.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
