using LiftPipeline.Cli;

namespace LiftPipeline.Tests.Cli;

/// <summary>Runs <c>lift</c> in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await LiftApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>lift</c> over <paramref name="host"/> (a manual clock, a scripted delay, an environment).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(LiftPipeline.Cli.Hosting.CliHost host, CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await LiftApp.RunAsync(args, output, error, host, cancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
