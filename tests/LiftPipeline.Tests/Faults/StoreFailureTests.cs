using System.Net;
using System.Net.Sockets;
using LiftPipeline.Tests.Cli;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// A store that cannot be used ends the command with one line naming the store and what to check, a documented exit
/// code, no stack trace and no account key: Azurite not running, a malformed connection string, a mistyped folder.
/// </summary>
public sealed class StoreFailureTests : IDisposable
{
    private const string Key = "c2VjcmV0LWtleS1uZXZlci1wcmludGVkLXNlY3JldC1rZXk=";

    private readonly string _parent = Path.Combine(Path.GetTempPath(), "lift-storefail-" + Guid.NewGuid().ToString("N"));

    public StoreFailureTests() => Directory.CreateDirectory(_parent);

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public async Task Run_against_a_port_where_nothing_listens_ends_with_one_line_naming_the_store()
    {
        int port = UnusedPort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

        var (code, output, error) = await CliRunner.RunAsync("run", "--store", connection, "--container", "lift");

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"http://127.0.0.1:{port}/devstoreaccount1/lift", line, StringComparison.Ordinal);
        Assert.Contains("check", line, StringComparison.Ordinal);
        AssertNoTraceNorKey(output + error);
    }

    [Theory]
    [InlineData($"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=not*base64;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;", "not*base64")]
    [InlineData($"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=not a url;", Key)]
    [InlineData($"AccountName=devstoreaccount1;AccountKey={Key};DefaultEndpointsProtocol=gopher", Key)]
    public async Task A_malformed_connection_string_ends_with_one_line_and_never_prints_the_key(string connection, string key)
    {
        var (code, output, error) = await CliRunner.RunAsync("run", "--store", connection);

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("connection string", line, StringComparison.Ordinal);
        Assert.DoesNotContain(key, output + error, StringComparison.Ordinal);
        AssertNoTraceNorKey(output + error);
    }

    [Fact]
    public async Task A_store_folder_that_does_not_exist_is_an_error_unless_create_is_given()
    {
        var missing = Path.Combine(_parent, "lift-stor");

        var (code, output, error) = await CliRunner.RunAsync("run", "--store", missing);

        Assert.Equal(2, code);
        Assert.Equal($"store folder {missing} does not exist; create it with --create or check the path", error.Trim());
        Assert.False(Directory.Exists(missing));
        Assert.Equal("", output);

        var (created, createdOutput, createdError) = await CliRunner.RunAsync("run", "--store", missing, "--create");

        Assert.True(created == 0, createdOutput + createdError);
        Assert.True(Directory.Exists(missing));
    }

    [Fact]
    public async Task Watch_refuses_a_store_folder_that_does_not_exist()
    {
        var missing = Path.Combine(_parent, "typo");

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));   // a watch that started would run until stopped
        var (code, _, error) = await CliRunner.RunAsync(new LiftPipeline.Cli.Hosting.CliHost(), stop.Token, "watch", "--store", missing);

        Assert.Equal(2, code);
        Assert.Contains("does not exist; create it with --create", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    private static void AssertNoTraceNorKey(string printed)
    {
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, printed, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", printed, StringComparison.Ordinal);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
