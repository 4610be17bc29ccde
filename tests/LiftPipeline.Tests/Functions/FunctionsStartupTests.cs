using System.Diagnostics;

namespace LiftPipeline.Tests.Functions;

/// <summary>The app's entry point starts the isolated worker, which needs the Functions host.</summary>
public sealed class FunctionsStartupTests
{
    [Fact]
    public async Task Running_the_worker_without_the_Functions_host_exits_1_with_the_workers_own_message_and_no_stack_trace()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = FunctionsAppOutput.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(FunctionsAppOutput.File("LiftPipeline.Functions.dll"));
        // Nothing from the test environment may stand in for the host's endpoint.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Functions", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            info.Environment.Remove(key);
        }
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The worker kept running without a Functions host.");
        }
        string output = await stdout + await stderr;

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("LiftPipeline.Functions could not start: Configuration is missing the 'HostEndpoint' information", output, StringComparison.Ordinal);
        Assert.Contains("Functions:Worker:HostEndpoint", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
