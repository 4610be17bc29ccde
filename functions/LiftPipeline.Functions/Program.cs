using LiftPipeline.Functions.Hosting;

// The Functions host starts this executable and calls it at /{FunctionName}; see functions/README.md.
await LiftFunctionsApp.Build(args).RunAsync();
