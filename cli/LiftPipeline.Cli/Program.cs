using System.Runtime.InteropServices;
using LiftPipeline.Cli;

// Ctrl+C (SIGINT) and SIGTERM cancel the command, which stops cleanly with a "stopped" line (exit code 130; lift watch 0); a second one ends the process.
using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await LiftApp.RunAsync(args, Console.Out, Console.Error, stop.Token);

void Stop(PosixSignalContext signal)
{
    signal.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
}
