using System.Diagnostics;

namespace LiftPipeline.Tests.Cli;

/// <summary>
/// The built <c>lift</c> in a child process (<c>dotnet lift.dll …</c>), for what an in-process run cannot show: exit
/// codes of a real process, several processes on one store, a capped GC heap. Killed, with its children, after the timeout.
/// </summary>
internal static class LiftProcess
{
    /// <summary>Runs <c>lift</c> with <paramref name="args"/>; <paramref name="wrapper"/> (e.g. <c>/usr/bin/time -v</c>) runs in front of <c>dotnet</c>.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? wrapper = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(wrapper is { Count: > 0 } ? wrapper[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (wrapper is { Count: > 0 } ? [.. wrapper.Skip(1), "dotnet"] : Array.Empty<string>())
            .Append(Path.Combine(AppContext.BaseDirectory, "lift.dll")).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
