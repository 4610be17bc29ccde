using System.Collections;
using LiftPipeline.Cli.Hosting;

namespace LiftPipeline.Tests.Cli;

public sealed class StoreLocatorTests
{
    [Fact]
    public void A_relative_path_is_a_folder_under_the_current_directory()
    {
        using var dir = TestData.TempDirectory();

        var location = StoreLocator.Parse("./lift-store", "lift", dir.FullName);

        Assert.Equal(StoreKind.Folder, location.Kind);
        Assert.Equal(Path.Combine(dir.FullName, "lift-store"), location.Value);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", "http://127.0.0.1:10000/devstoreaccount1/lift")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net", "https://acme.blob.core.windows.net/lift")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;", "http://127.0.0.1:10000/devstoreaccount1/lift")]
    public void A_connection_string_is_a_blob_store_displayed_without_its_key(string value, string display)
    {
        var location = StoreLocator.Parse(value, "lift", Path.GetTempPath());

        Assert.Equal(StoreKind.ConnectionString, location.Kind);
        Assert.Equal(display, location.Display);
        Assert.DoesNotContain("c2VjcmV0", location.Display, StringComparison.Ordinal);
    }

    [Fact]
    public void An_account_url_is_a_blob_store_signed_in_with_the_default_credential()
    {
        var location = StoreLocator.Parse("https://acme.blob.core.windows.net/", "reports", Path.GetTempPath());

        Assert.Equal(StoreKind.AccountUrl, location.Kind);
        Assert.Equal("https://acme.blob.core.windows.net/", location.Value);
        Assert.Equal("https://acme.blob.core.windows.net/reports", location.Display);
    }

    [Theory]
    [InlineData("", "--store is empty")]
    [InlineData("http://acme.blob.core.windows.net", "is a URL but not an https://{account}.blob.core.windows.net account")]
    [InlineData("ftp://files.example.com/store", "is a URL but not")]
    [InlineData("Endpoint=sb://x;SharedAccessKey=y", "names no account")]
    public void Anything_else_is_a_clear_error(string value, string message)
    {
        var error = Assert.Throws<StoreLocationException>(() => StoreLocator.Parse(value, "lift", Path.GetTempPath()));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_file_is_not_a_store()
    {
        using var dir = TestData.TempDirectory();
        File.WriteAllText(dir.File("notes.txt"), "x");

        var error = Assert.Throws<StoreLocationException>(() => StoreLocator.Parse("notes.txt", "lift", dir.FullName));

        Assert.Contains("is a file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Lift")]
    [InlineData("li")]
    [InlineData("a--b")]
    public void A_bad_container_name_is_a_clear_error(string container)
    {
        var error = Assert.Throws<StoreLocationException>(() => StoreLocator.Parse("UseDevelopmentStorage=true", container, Path.GetTempPath()));

        Assert.Contains($"--container '{container}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Webhook_secrets_are_found_by_secret_name_from_upper_cased_variables()
    {
        var environment = new Hashtable { ["LIFT_WEBHOOK_SECRET_GROWTH_HOOK"] = "s3cret", ["PATH"] = "/bin", ["LIFT_WEBHOOK_SECRET_EMPTY"] = "" };

        var secrets = WebhookSecretsFromEnvironment.Read(environment);

        Assert.Equal("s3cret", secrets["growth-hook"]);
        Assert.Equal("s3cret", secrets["Growth_Hook"]);
        Assert.False(secrets.ContainsKey("empty"));
        Assert.Single(secrets);
        Assert.Equal("LIFT_WEBHOOK_SECRET_GROWTH_HOOK", WebhookSecretsFromEnvironment.VariableName("growth-hook"));
    }
}
