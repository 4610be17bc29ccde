namespace LiftPipeline.Tests.Infra;

/// <summary>
/// infra/main.bicep compiles and lints clean, and its ARM JSON deploys what the functions app's contract needs:
/// resource types, queue names, app settings, role definitions and the Event Grid filter.
/// </summary>
public sealed class BicepTests(BicepTemplate template) : IClassFixture<BicepTemplate>
{
    [Fact]
    public void Main_bicep_builds_without_any_compiler_or_linter_diagnostic()
    {
        Assert.Equal("", template.BuildDiagnostics);
    }

    [Fact]
    public void The_template_declares_every_resource_type_of_the_deployment()
    {
        var types = template.Resources.Select(r => (string)r["type"]!).ToHashSet();
        string[] expected =
        [
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            "Microsoft.OperationalInsights/workspaces",
            "Microsoft.Insights/components",
            "Microsoft.Storage/storageAccounts",
            "Microsoft.Storage/storageAccounts/blobServices/containers",
            "Microsoft.Storage/storageAccounts/queueServices/queues",
            "Microsoft.Authorization/roleAssignments",
            "Microsoft.Web/serverfarms",
            "Microsoft.Web/sites",
            "Microsoft.Web/sites/config",
            "Microsoft.EventGrid/systemTopics",
            "Microsoft.EventGrid/systemTopics/eventSubscriptions",
        ];
        Assert.All(expected, type => Assert.Contains(type, types));
    }

    [Fact]
    public void The_queues_are_the_three_trigger_queues_and_their_poison_queues()
    {
        var names = template.Json["variables"]!["queueNames"]!.AsArray().Select(n => (string)n!).ToArray();
        Assert.Equal(["measure-requests", "alert-deliveries", "shard-statistics", "measure-requests-poison", "alert-deliveries-poison", "shard-statistics-poison"], names);
        var queues = template.Single("Microsoft.Storage/storageAccounts/queueServices/queues");
        Assert.Equal("[length(variables('queueNames'))]", (string)queues["copy"]!["count"]!);
        Assert.Contains("variables('queueNames')[copyIndex()]", (string)queues["name"]!);
    }

    [Fact]
    public void The_app_settings_carry_the_LiftStorage_identity_connection_and_the_pipeline_settings()
    {
        var settings = (string)template.Single("Microsoft.Web/sites/config")["properties"]!;
        string[] names =
        [
            "'LiftStorage__blobServiceUri'",
            "'LiftStorage__queueServiceUri'",
            "'LiftStorage__credential', 'managedidentity'",
            "'LiftStorage__clientId'",
            "'AzureWebJobsStorage__credential', 'managedidentity'",
            "'AZURE_CLIENT_ID'",
            "'LiftContainer', parameters('liftContainerName')",
            "'NightlySchedule', parameters('nightlySchedule')",
            "'APPLICATIONINSIGHTS_CONNECTION_STRING'",
            "'FUNCTIONS_WORKER_RUNTIME', 'dotnet-isolated'",
            "variables('webhookSettings')",
        ];
        Assert.All(names, name => Assert.Contains(name, settings));
        var webhooks = (string)template.Json["variables"]!["webhookSettings"]!;
        Assert.Contains("format('Webhooks__Secrets__{0}', lambdaVariables('secretName'))", webhooks);
        Assert.Contains("@Microsoft.KeyVault(VaultName={0};SecretName={1})", webhooks);
    }

    [Fact]
    public void The_defaults_are_flex_consumption_the_lift_container_and_two_oclock_utc()
    {
        var parameters = template.Json["parameters"]!;
        Assert.Equal("flex", (string)parameters["hostingPlan"]!["defaultValue"]!);
        Assert.Equal("lift", (string)parameters["liftContainerName"]!["defaultValue"]!);
        Assert.Equal("0 0 2 * * *", (string)parameters["nightlySchedule"]!["defaultValue"]!);
        Assert.Equal("10.0", (string)parameters["dotnetRuntimeVersion"]!["defaultValue"]!);
        Assert.False((bool)parameters["subscribeExportArrived"]!["defaultValue"]!);
    }

    [Fact]
    public void The_flex_app_runs_the_dotnet_isolated_runtime_from_an_identity_authenticated_deployment_container()
    {
        var site = template.Single("Microsoft.Web/sites")["properties"]!;
        var config = (string)site["functionAppConfig"]!;
        Assert.Contains("'runtime', createObject('name', 'dotnet-isolated', 'version', parameters('dotnetRuntimeVersion'))", config);
        Assert.Equal("[if(variables('isFlex'), null(), format('DOTNET-ISOLATED|{0}', parameters('dotnetRuntimeVersion')))]", (string)site["siteConfig"]!["linuxFxVersion"]!);
        Assert.Contains("'type', 'UserAssignedIdentity'", config);
        Assert.Contains("'blobContainer'", config);
        var plan = (string)template.Single("Microsoft.Web/serverfarms")["sku"]!;
        Assert.Contains("'FC1'", plan);
        Assert.Contains("'EP1'", plan);
    }

    [Fact]
    public void The_identity_gets_blob_owner_queue_contributor_metrics_publisher_and_secrets_user()
    {
        var roleIds = template.Json["variables"]!["roleIds"]!.AsObject()
            .Select(p => (string)p.Value!).ToHashSet();
        Assert.Equal(
            new HashSet<string>
            {
                "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
                "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
                "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher
                "4633458b-17de-408a-b874-0445c86b69e6", // Key Vault Secrets User
            },
            roleIds);
        Assert.Equal(4, template.Resources.Count(r => (string?)r["type"] == "Microsoft.Authorization/roleAssignments"));
    }

    [Theory]
    [InlineData("export-arrived", "exports", "ExportArrived")]
    [InlineData("customer-export-arrived", "customers", "CustomerExportArrived")]
    public void Each_event_subscription_sends_parquet_blobs_created_under_its_folder_to_its_function_through_the_blob_extension_webhook(string name, string folder, string function)
    {
        Assert.Equal(2, template.Resources.Count(r => (string?)r["type"] == "Microsoft.EventGrid/systemTopics/eventSubscriptions"));
        var subscription = template.Resources.Single(r => (string?)r["type"] == "Microsoft.EventGrid/systemTopics/eventSubscriptions" && ((string?)r["name"])!.Contains($"'{name}'", StringComparison.Ordinal))["properties"]!;
        var filter = subscription["filter"]!;
        Assert.Equal(["Microsoft.Storage.BlobCreated"], filter["includedEventTypes"]!.AsArray().Select(t => (string)t!).ToArray());
        Assert.Equal($"[format('/blobServices/default/containers/{{0}}/blobs/{folder}/', parameters('liftContainerName'))]", (string)filter["subjectBeginsWith"]!);
        Assert.Equal(".parquet", (string)filter["subjectEndsWith"]!);
        Assert.Equal("WebHook", (string)subscription["destination"]!["endpointType"]!);
        var url = (string)subscription["destination"]!["properties"]!["endpointUrl"]!;
        Assert.Contains($"format('https://{{0}}/runtime/webhooks/blobs?functionName=Host.Functions.{function}', reference(resourceId('Microsoft.Web/sites', variables('functionAppName')), '2024-04-01').defaultHostName)", url);
        Assert.Contains("&code={1}", url);
        Assert.Contains("listKeys(format('{0}/host/default', resourceId('Microsoft.Web/sites', variables('functionAppName'))), '2024-04-01').systemKeys.blobs_extension", url);
    }

    [Fact]
    public void The_outputs_name_the_function_app_the_storage_account_and_the_container()
    {
        var outputs = template.Json["outputs"]!.AsObject();
        Assert.All(["functionAppName", "storageAccountName", "liftContainerName"], name => Assert.True(outputs.ContainsKey(name), name));
    }
}
