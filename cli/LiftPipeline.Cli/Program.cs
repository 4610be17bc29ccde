using LiftPipeline.Cli;

return await LiftApp.RunAsync(args, Console.Out, Console.Error);
