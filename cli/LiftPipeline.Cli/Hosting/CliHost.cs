using System.Collections;

namespace LiftPipeline.Cli.Hosting;

/// <summary>
/// What the local commands take from the machine: the clock, how to wait, the environment variables and the current
/// directory. <see cref="System"/> is the real machine; tests pass a manual clock, a delay that advances it, and a temp folder.
/// </summary>
internal sealed record CliHost
{
    /// <summary>The real machine.</summary>
    public static CliHost System { get; } = new();

    /// <summary>The clock every handler reads. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How <c>lift watch</c> waits between beats. Default <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> on <see cref="Clock"/>.</summary>
    public Func<TimeSpan, CancellationToken, Task>? Delay { get; init; }

    /// <summary>Environment variables (webhook secrets). Default the process's.</summary>
    public Func<IDictionary> Environment { get; init; } = global::System.Environment.GetEnvironmentVariables;

    /// <summary>The directory relative paths start from. Default the process's current directory.</summary>
    public Func<string> CurrentDirectory { get; init; } = () => global::System.Environment.CurrentDirectory;

    /// <summary>Waits <paramref name="duration"/> by <see cref="Delay"/>, or on <see cref="Clock"/>.</summary>
    public Task WaitAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        Delay is { } delay ? delay(duration, cancellationToken) : Task.Delay(duration, Clock, cancellationToken);
}
