using System.Text;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Alerts;

public sealed class AlertJsonTests
{
    [Fact]
    public void The_same_campaign_guardrail_and_input_always_give_the_same_alert_id()
    {
        var id = Alert.CreateId(CampaignId.Parse("spring-geo"), "srm", "etag-0x8DC1", "breach");

        Assert.Equal(id, Alert.CreateId(CampaignId.Parse("spring-geo"), "srm", "etag-0x8DC1", "breach"));
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.NotEqual(id, Alert.CreateId(CampaignId.Parse("spring-geo"), "srm", "etag-0x8DC2", "breach"));
        Assert.NotEqual(id, Alert.CreateId(CampaignId.Parse("spring-geo"), "pre-fit", "etag-0x8DC1", "breach"));
        Assert.NotEqual(id, Alert.CreateId(CampaignId.Parse("spring-geo"), "srm", "etag-0x8DC1", "warn"));
        Assert.NotEqual(Alert.CreateId(CampaignId.Parse("a"), "bc", "x", "breach"), Alert.CreateId(CampaignId.Parse("a"), "b", "cx", "breach"));
    }

    [Fact]
    public void An_invalid_campaign_id_is_refused_before_it_becomes_an_alert_id()
    {
        var e = Assert.Throws<ObjectStoreException>(() => Alert.CreateId(CampaignId.Parse("../etc"), "srm", "x", "breach"));
        Assert.Equal(ObjectStoreException.InvalidName, e.Code);
        Assert.Contains("campaign ids are 1 to 64 characters", e.Message);
        Assert.Throws<ArgumentException>(() => Alert.CreateId(default, "srm", "x", "breach"));
    }

    [Fact]
    public void Alerts_are_stored_under_the_utc_day_they_were_raised()
    {
        var alert = AlertTestKit.SampleAlert();

        // 23:30 at UTC−2 is 01:30 the next day in UTC.
        Assert.Equal($"alerts/2026/03/06/{alert.Id}.json", alert.StoragePath);
        Assert.Equal($"alerts/deliveries/{alert.Id}/acme-ops.json", StoreLayout.Delivery(alert.Id, "acme-ops"));
    }

    [Fact]
    public void Json_is_byte_identical_whatever_the_evidence_order_and_round_trips()
    {
        var alert = AlertTestKit.SampleAlert();
        var reordered = alert with
        {
            Evidence = new Dictionary<string, double> { ["observed_share"] = 0.524, ["p_value"] = 1.2e-7, ["expected_share"] = 0.5 },
        };

        var bytes = AlertJson.Write(alert);
        var back = AlertJson.Read(bytes);

        Assert.Equal(bytes, AlertJson.Write(reordered));
        Assert.Equal(bytes, AlertJson.Write(back));
        Assert.Equal(alert.Id, back.Id);
        Assert.Equal(AlertSeverity.Breach, back.Severity);
        Assert.Equal(1.2e-7, back.Evidence["p_value"]);
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 1, 30, 0, TimeSpan.Zero), back.RaisedAt);
        Assert.Equal("reports/spring-geo/run-20260306-0200/report.json", back.ReportPath);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"raisedAt\": \"2026-03-06T01:30:00.0000000Z\"", text);
        Assert.Contains("\"severity\": \"breach\"", text);
        Assert.True(text.IndexOf("expected_share", StringComparison.Ordinal) < text.IndexOf("observed_share", StringComparison.Ordinal));
        Assert.DoesNotContain("\r", text);
    }

    [Fact]
    public void Non_finite_evidence_is_written_as_null_and_reads_back_as_nan()
    {
        var alert = AlertTestKit.SampleAlert() with
        {
            Evidence = new Dictionary<string, double> { ["a"] = double.NaN, ["b"] = double.PositiveInfinity, ["c"] = double.NegativeInfinity },
            ReportPath = null,
        };

        var bytes = AlertJson.Write(alert);
        var back = AlertJson.Read(bytes);

        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"a\": null,\n    \"b\": null,\n    \"c\": null\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", text, StringComparison.Ordinal);
        Assert.All(new[] { "a", "b", "c" }, key => Assert.True(double.IsNaN(back.Evidence[key]), key));
        Assert.Null(back.ReportPath);
        Assert.Equal(bytes, AlertJson.Write(back));
    }

    [Fact]
    public void Reading_json_without_a_severity_names_the_source_and_the_field()
    {
        var text = Encoding.UTF8.GetString(AlertJson.Write(AlertTestKit.SampleAlert())).Replace("\"severity\"", "\"level\"", StringComparison.Ordinal);

        var e = Assert.Throws<AlertFormatException>(() => AlertJson.Read(Encoding.UTF8.GetBytes(text), "alerts/2026/03/06/x.json"));

        Assert.Equal("alerts/2026/03/06/x.json: field 'severity' is missing or not a JSON string", e.Message);
    }
}
