using System.CommandLine;
using LiftPipeline.Cli.Hosting;

namespace LiftPipeline.Cli.Commands;

/// <summary>The <c>--store</c>, <c>--container</c> and <c>--create</c> options shared by <c>lift run</c> and <c>watch</c>.</summary>
internal sealed class StoreOptions
{
    /// <summary>Help text appended to the commands that deliver alerts.</summary>
    public const string SecretsHelp =
        " Webhook signing secrets come from environment variables LIFT_WEBHOOK_SECRET_{SECRETNAME}: a subscriber's secretName upper-cased with '-' as '_' (secretName growth-hook → LIFT_WEBHOOK_SECRET_GROWTH_HOOK)." +
        " Webhooks must be https:// to a public address; LIFT_WEBHOOK_ALLOW lists exceptions: 'http' and CIDR networks (LIFT_WEBHOOK_ALLOW=\"http,127.0.0.1/32\" for a receiver on this machine).";

    public Option<string> Store { get; } = new("--store")
    {
        Description = "The store: a folder (it must exist unless --create is given), an Azure Storage connection string (AccountName=…, BlobEndpoint=… or UseDevelopmentStorage=true; Azurite works), or an https://{account}.blob.core.windows.net URL signed in with DefaultAzureCredential. Default: ./lift-store.",
        DefaultValueFactory = _ => StoreLocator.DefaultStore,
    };

    public Option<string> Container { get; } = new("--container")
    {
        Description = "Blob container of a connection-string or URL store (ignored for a folder). Default: lift.",
        DefaultValueFactory = _ => StoreLocator.DefaultContainer,
    };

    public Option<bool> Create { get; } = new("--create")
    {
        Description = "Create the --store folder when it does not exist (without it a missing folder is an error, so a mistyped path never becomes an empty store). Default: false.",
        DefaultValueFactory = _ => false,
    };

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Store);
        command.Options.Add(Container);
        command.Options.Add(Create);
    }

    /// <summary>The location named on the command line, or null after writing why it is unusable to <paramref name="error"/>.</summary>
    public async Task<StoreLocation?> LocateAsync(ParseResult parse, CliHost host, TextWriter error)
    {
        try
        {
            var location = StoreLocator.Parse(parse.GetValue(Store)!, parse.GetValue(Container)!, host.CurrentDirectory());
            return StoreLocator.RequireExisting(location, parse.GetValue(Create));
        }
        catch (StoreLocationException invalid)
        {
            await error.WriteLineAsync(invalid.Message).ConfigureAwait(false);
            return null;
        }
    }
}
