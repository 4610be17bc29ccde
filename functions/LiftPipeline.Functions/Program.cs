using LiftPipeline.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The .NET isolated worker: the Functions host starts this process and invokes the functions over gRPC; see functions/README.md.
var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddLiftFunctions(builder.Configuration);
builder.Build().Run();
