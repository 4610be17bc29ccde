using System.Text.Json.Nodes;

namespace LiftPipeline.Tests.Functions;

/// <summary>
/// The function metadata the worker SDK generates from the attributes (functions.metadata in the build output, which
/// the Functions host reads to create triggers and bindings): each function's bindings exactly, so a changed binding
/// fails here. Binding <c>properties</c> (SDK bookkeeping) are left out of the comparison.
/// </summary>
public sealed class FunctionsMetadataTests
{
    [Theory]
    [InlineData("ExportArrived", "LiftPipeline.Functions.Functions.ExportArrived.RunAsync", """
        [
          {"name": "export", "direction": "In", "type": "blobTrigger", "path": "%LiftContainer%/exports/{campaign}/{name}", "source": "EventGrid", "connection": "LiftStorage"},
          {"name": "Measure", "direction": "Out", "type": "queue", "queueName": "measure-requests", "connection": "LiftStorage"},
          {"name": "ShardStatistics", "direction": "Out", "type": "queue", "queueName": "shard-statistics", "connection": "LiftStorage"},
          {"name": "Deliver", "direction": "Out", "type": "queue", "queueName": "alert-deliveries", "connection": "LiftStorage"}
        ]
        """)]
    [InlineData("CustomerExportArrived", "LiftPipeline.Functions.Functions.CustomerExportArrived.RunAsync", """
        [
          {"name": "export", "direction": "In", "type": "blobTrigger", "path": "%LiftContainer%/customers/{name}", "source": "EventGrid", "connection": "LiftStorage"},
          {"name": "Measure", "direction": "Out", "type": "queue", "queueName": "measure-requests", "connection": "LiftStorage"},
          {"name": "Deliver", "direction": "Out", "type": "queue", "queueName": "alert-deliveries", "connection": "LiftStorage"}
        ]
        """)]
    [InlineData("NightlyRun", "LiftPipeline.Functions.Functions.NightlyRun.RunAsync", """
        [
          {"name": "timer", "direction": "In", "type": "timerTrigger", "schedule": "%NightlySchedule%"},
          {"name": "$return", "direction": "Out", "type": "queue", "queueName": "measure-requests", "connection": "LiftStorage"}
        ]
        """)]
    [InlineData("MeasureCampaign", "LiftPipeline.Functions.Functions.MeasureCampaign.RunAsync", """
        [
          {"name": "message", "direction": "In", "type": "queueTrigger", "dataType": "String", "queueName": "measure-requests", "connection": "LiftStorage"},
          {"name": "$return", "direction": "Out", "type": "queue", "queueName": "alert-deliveries", "connection": "LiftStorage"}
        ]
        """)]
    [InlineData("ShardStatistics", "LiftPipeline.Functions.Functions.ShardStatistics.RunAsync", """
        [
          {"name": "message", "direction": "In", "type": "queueTrigger", "dataType": "String", "queueName": "shard-statistics", "connection": "LiftStorage"},
          {"name": "Measure", "direction": "Out", "type": "queue", "queueName": "measure-requests", "connection": "LiftStorage"},
          {"name": "ShardStatistics", "direction": "Out", "type": "queue", "queueName": "shard-statistics", "connection": "LiftStorage"}
        ]
        """)]
    [InlineData("DeliverAlerts", "LiftPipeline.Functions.Functions.DeliverAlerts.RunAsync", """
        [
          {"name": "message", "direction": "In", "type": "queueTrigger", "dataType": "String", "queueName": "alert-deliveries", "connection": "LiftStorage"}
        ]
        """)]
    public void The_function_metadata_declares_each_functions_trigger_and_outputs_exactly(string function, string entryPoint, string bindings)
    {
        var entry = Functions().Single(f => (string?)f!["name"] == function)!;

        Assert.Equal(entryPoint, (string?)entry["entryPoint"]);
        Assert.Equal("LiftPipeline.Functions.dll", (string?)entry["scriptFile"]);
        Assert.Equal("dotnet-isolated", (string?)entry["language"]);
        var actual = new JsonArray(entry["bindings"]!.AsArray().Select(b =>
        {
            var copy = b!.DeepClone().AsObject();
            copy.Remove("properties");
            return (JsonNode?)copy;
        }).ToArray());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(bindings), actual), $"{function} bindings: {actual.ToJsonString()}");
    }

    [Fact]
    public void The_app_has_exactly_the_six_functions()
    {
        Assert.Equal(["CustomerExportArrived", "DeliverAlerts", "ExportArrived", "MeasureCampaign", "NightlyRun", "ShardStatistics"],
            Functions().Select(f => (string)f!["name"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_worker_config_starts_the_app_dll_with_dotnet_as_an_isolated_worker()
    {
        var description = JsonNode.Parse(File.ReadAllText(FunctionsAppOutput.File("worker.config.json")))!["description"]!;

        Assert.Equal("dotnet-isolated", (string?)description["language"]);
        Assert.Equal("dotnet", (string?)description["defaultExecutablePath"]);
        Assert.Equal("LiftPipeline.Functions.dll", (string?)description["defaultWorkerPath"]);
    }

    [Fact]
    public void Host_json_is_in_the_output_with_the_queue_retry_policy_and_no_custom_handler()
    {
        var host = JsonNode.Parse(File.ReadAllText(FunctionsAppOutput.File("host.json")))!.AsObject();

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Equal(5, (int)host["extensions"]!["queues"]!["maxDequeueCount"]!);
        Assert.False(host.ContainsKey("customHandler"));
        Assert.False(host.ContainsKey("extensionBundle"));
    }

    private static JsonArray Functions() =>
        JsonNode.Parse(File.ReadAllText(FunctionsAppOutput.File("functions.metadata")))!.AsArray();
}
