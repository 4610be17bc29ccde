using LiftPipeline.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The .NET isolated worker: the Functions host starts this process and invokes the functions over gRPC; see functions/README.md.
var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddLiftFunctions(builder.Configuration);
try
{
    builder.Build().Run();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException)
{
    // Started without a Functions host, or with missing settings: one line that says why, no stack trace.
    Console.Error.WriteLine($"LiftPipeline.Functions could not start: {e.Message}");
    return 1;
}
