using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LiftPipeline.Ingestion;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Storage;

/// <summary>
/// Every stored document kind goes through the source-generated context with <see cref="StoredJson"/>'s rules: it round-trips,
/// writes one time format and null for non-finite numbers, keeps the bytes it had, and reads what earlier versions wrote.
/// </summary>
public sealed class StoredDocumentsTests : IDisposable
{
    /// <summary>An odd offset and sub-millisecond ticks, so a document that skipped the stored format would show it.</summary>
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 11, 24, 4, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);

    private static readonly Regex StoredTime = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$", RegexOptions.CultureInvariant);
    private static readonly Regex AnyTime = new(@"""(\d{4}-\d{2}-\d{2}T[^""]*)""", RegexOptions.CultureInvariant);

    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    private static DeliveryRecord Delivery(DateTimeOffset? claimedUntil = null, DateTimeOffset? deliveredAt = null) => new(
        "0123456789abcdef0123456789abcdef", "alerts/2026/11/24/0123456789abcdef0123456789abcdef.json",
        new AlertSubscriber("acme-ops", new Uri("https://hooks.example.com/lift"), "acme-signing"),
        DeliveryState.Sending, 3, 503, "503 Service Unavailable", claimedUntil ?? At.AddMinutes(5), deliveredAt, At);

    private static ExportValidationException Invalid() => new("day1.parquet",
    [
        new ExportError("missing-column", "the column 'conversions' is missing", "conversions", []),
        new ExportError("bad-file", "not a Parquet file \"x\"", null, [1, 7]),
    ]);

    private static HoldoutReport Holdout(double relative, double pValue, DateTimeOffset? at = null) => HoldoutReport.Create("vbo-test", "run-1", at ?? At,
        new HoldoutMeasurement("holdout", 0.95, [new ArmCount("holdout", 1000, 3, 0), new ArmCount("vbo_1p", 1000, 800, 2500)],
        [
            new HoldoutContrast
            {
                Treatment = "vbo_1p", Control = "holdout", Metric = "revenue", TreatmentN = 1000, ControlN = 1000,
                TreatmentMean = 12, ControlMean = 10, Absolute = 2, Relative = relative,
                Ci = new Interval(1, 3), RelativeCi = new Interval(0.1, 0.3), AlwaysValidRelativeCi = new Interval(0.05, 0.35), PValue = pValue, Iroas = 2.5,
            },
        ], [], []));

    private static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8);

    [Fact]
    public void An_alert_keeps_its_bytes_and_names_evidence_in_ordinal_order()
    {
        var alert = AlertTestKit.SampleAlert();

        Assert.Equal($$"""
            {
              "schema": 1,
              "id": "{{alert.Id}}",
              "campaign": "spring-geo",
              "guardrail": "srm",
              "severity": "breach",
              "message": "Sample ratio mismatch: 52.4% of customers in treatment, 50% expected",
              "evidence": {
                "expected_share": 0.5,
                "observed_share": 0.524,
                "p_value": 1.2E-07
              },
              "raisedAt": "2026-03-06T01:30:00.0000000Z",
              "runId": "run-20260306-0200",
              "reportPath": "reports/spring-geo/run-20260306-0200/report.json"
            }
            """.ReplaceLineEndings("\n"), Text(AlertJson.Write(alert)));
        Assert.Contains("\"reportPath\": null", Text(AlertJson.Write(alert with { ReportPath = null })), StringComparison.Ordinal);
    }

    [Fact]
    public void A_delivery_record_keeps_its_bytes_writes_absent_values_as_null_and_round_trips()
    {
        var record = Delivery();

        Assert.Equal("""
            {
              "schema": 1,
              "alertId": "0123456789abcdef0123456789abcdef",
              "alertPath": "alerts/2026/11/24/0123456789abcdef0123456789abcdef.json",
              "subscriber": {
                "name": "acme-ops",
                "url": "https://hooks.example.com/lift",
                "secretName": "acme-signing"
              },
              "status": "sending",
              "attempts": 3,
              "lastStatusCode": 503,
              "lastError": "503 Service Unavailable",
              "claimedUntil": "2026-11-24T02:05:00.1234567Z",
              "deliveredAt": null,
              "updatedAt": "2026-11-24T02:00:00.1234567Z"
            }
            """.ReplaceLineEndings("\n"), Text(record.ToJson()));
        Assert.Equal(record, DeliveryRecord.Parse(record.ToJson(), "d.json"));

        var bare = record with { Subscriber = record.Subscriber with { SecretName = null }, State = DeliveryState.Pending, LastStatusCode = null, LastError = null, ClaimedUntil = null };
        string text = Text(bare.ToJson());
        foreach (var field in new[] { "secretName", "lastStatusCode", "lastError", "claimedUntil", "deliveredAt" })
        {
            Assert.Contains($"\"{field}\": null", text, StringComparison.Ordinal);
        }
        Assert.Equal(bare, DeliveryRecord.Parse(bare.ToJson(), "d.json"));

        var tokened = record with { Subscriber = record.Subscriber with { Url = new Uri("https://hooks.example.com/lift?token=s3cret") } };
        Assert.Equal(new Uri("https://hooks.example.com/lift?***"), DeliveryRecord.Parse(tokened.ToJson(), "d.json").Subscriber.Url);
        Assert.DoesNotContain("s3cret", Text(tokened.ToJson()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_quarantine_reason_keeps_its_bytes_and_round_trips_through_the_context()
    {
        var invalid = Invalid();
        var bytes = ExportArrivedHandler.ErrorJson(ExportName.Parse("exports/geo/day1.parquet"), "\"0x8DC1\"", invalid, At);

        Assert.Equal($$"""
            {
              "export": "exports/geo/day1.parquet",
              "etag": "\u00220x8DC1\u0022",
              "quarantinedAt": "2026-11-24T02:00:00.1234567Z",
              "message": "{{JsonEncodedText.Encode(invalid.Message)}}",
              "errors": [
                {
                  "code": "missing-column",
                  "column": "conversions",
                  "rows": [],
                  "message": "the column \u0027conversions\u0027 is missing"
                },
                {
                  "code": "bad-file",
                  "column": null,
                  "rows": [
                    1,
                    7
                  ],
                  "message": "not a Parquet file \u0022x\u0022"
                }
              ]
            }
            """.ReplaceLineEndings("\n"), Text(bytes));
        var read = JsonSerializer.Deserialize(bytes, PipelineJsonContext.Default.QuarantineErrorDocument)!;
        Assert.Equal((At, 2, (string?)null), (read.QuarantinedAt, read.Errors.Count, read.Errors[1].Column));
        Assert.Equal(bytes, JsonSerializer.SerializeToUtf8Bytes(read, PipelineJsonContext.Default.QuarantineErrorDocument));
    }

    [Fact]
    public void Latest_json_keeps_its_field_order_and_round_trips_through_the_context()
    {
        var holdout = LatestReport.ToJson(Holdout(0.2, 0.01), "reports/vbo-test/run-1/");

        Assert.Equal($$"""
            {
              "schemaVersion": {{HoldoutReport.SchemaVersion}},
              "campaign": "vbo-test",
              "runId": "run-1",
              "generatedAt": "2026-11-24T02:00:00.1234567Z",
              "design": "holdout",
              "recommendation": "scale",
              "reason": "REASON",
              "contrast": "vbo_1p vs holdout",
              "metric": "revenue",
              "relative": 0.2,
              "pValue": 0.01,
              "json": "reports/vbo-test/run-1/report.json",
              "html": "reports/vbo-test/run-1/report.html",
              "markdown": "reports/vbo-test/run-1/report.md"
            }
            """.ReplaceLineEndings("\n"), Regex.Replace(Text(holdout), "\"reason\": \"[^\"]*\"", "\"reason\": \"REASON\""));
        var read = JsonSerializer.Deserialize(holdout, PipelineJsonContext.Default.LatestHoldoutReportDocument)!;
        Assert.Equal(holdout, JsonSerializer.SerializeToUtf8Bytes(read, PipelineJsonContext.Default.LatestHoldoutReportDocument));

        var lift = new LatestLiftReportDocument(1, "geo", "run-2", At, "conversions", "extend", "why", "sdid", 12.5, 0.04, 0.2, "a/report.json", "a/report.html", "a/report.md");
        var liftBytes = JsonSerializer.SerializeToUtf8Bytes(lift, PipelineJsonContext.Default.LatestLiftReportDocument);
        Assert.Equal(["schemaVersion", "campaign", "runId", "generatedAt", "metric", "recommendation", "reason", "estimator", "att", "lift", "pValue", "json", "html", "markdown"],
            JsonDocument.Parse(liftBytes).RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(lift, JsonSerializer.Deserialize(liftBytes, PipelineJsonContext.Default.LatestLiftReportDocument));
    }

    [Fact]
    public void Work_items_and_alerts_round_trip_through_the_context()
    {
        var deliver = WorkItem.Deliver(CampaignId.Parse("geo"), "alerts/2026/11/24/0123456789abcdef0123456789abcdef.json", RunId.Parse("run-1"));
        Assert.Equal("""{"kind":"deliver","campaign":"geo","runId":"run-1","alertPath":"alerts/2026/11/24/0123456789abcdef0123456789abcdef.json"}""", Text(deliver.ToJson()));
        Assert.Equal(deliver, WorkItem.Parse(deliver.ToJson()));

        var alert = AlertTestKit.SampleAlert();
        var back = AlertJson.Read(AlertJson.Write(alert));
        Assert.Equal((alert.Id, alert.Campaign, alert.Guardrail, alert.Severity, alert.Message, alert.RaisedAt, alert.RunId, alert.ReportPath),
            (back.Id, back.Campaign, back.Guardrail, back.Severity, back.Message, back.RaisedAt, back.RunId, back.ReportPath));
        Assert.Equal(alert.Evidence.OrderBy(e => e.Key, StringComparer.Ordinal), back.Evidence);
    }

    [Fact]
    public void Numbers_that_are_not_finite_are_written_as_null_in_every_document_that_holds_numbers()
    {
        var alert = AlertTestKit.SampleAlert() with { Evidence = new Dictionary<string, double> { ["nan"] = double.NaN, ["inf"] = double.PositiveInfinity, ["ninf"] = double.NegativeInfinity } };
        using (var json = JsonDocument.Parse(AlertJson.Write(alert)))
        {
            Assert.All(json.RootElement.GetProperty("evidence").EnumerateObject(), p => Assert.Equal(JsonValueKind.Null, p.Value.ValueKind));
        }

        using (var json = JsonDocument.Parse(LatestReport.ToJson(Holdout(double.PositiveInfinity, double.NaN), "reports/vbo-test/run-1/")))
        {
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("relative").ValueKind);
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("pValue").ValueKind);
        }

        var lift = new LatestLiftReportDocument(1, "geo", "run-2", At, "conversions", "extend", "why", "sdid", double.NaN, double.NegativeInfinity, double.NaN, "a", "b", "c");
        using (var json = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(lift, PipelineJsonContext.Default.LatestLiftReportDocument)))
        {
            Assert.All(new[] { "att", "lift", "pValue" }, name => Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty(name).ValueKind));
            var read = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(lift, PipelineJsonContext.Default.LatestLiftReportDocument), PipelineJsonContext.Default.LatestLiftReportDocument)!;
            // An optional number reads null back as "no value"; a required one (alert evidence) as NaN.
            Assert.Equal(((double?)null, (double?)null, (double?)null), (read.Att, read.Lift, read.PValue));
        }
    }

    [Fact]
    public async Task Every_time_in_every_document_kind_is_in_the_one_stored_format()
    {
        var store = new FolderStore(_root.FullName);
        var geo = CampaignId.Parse("geo");
        await new HoldoutDataset(store, geo).RecordAsync(ExportName.Parse("exports/geo/day1.parquet"), "\"0x1\"", "datasets/geo/shard-0123.parquet", At);
        var manifest = new RunManifest(RunId.Parse("nightly-20261124-0200"), "nightly", At,
            [new CampaignRunEntry("geo", CampaignRunStatus.Measured, At, At.AddSeconds(1), At.AddSeconds(2.5), "reports/geo/nightly-20261124-0200/")]);
        var documents = new Dictionary<string, byte[]>
        {
            ["run manifest"] = manifest.ToJson(),
            ["dataset manifest"] = (await store.ReadAsync(StoreLayout.DatasetManifest(geo)))!.Content.ToArray(),
            ["alert"] = AlertJson.Write(AlertTestKit.SampleAlert() with { RaisedAt = At }),
            ["delivery record"] = Delivery(At.AddMinutes(5), At.AddMinutes(1)).ToJson(),
            ["latest.json"] = LatestReport.ToJson(Holdout(0.2, 0.01), "reports/vbo-test/run-1/"),
            ["quarantine reason"] = ExportArrivedHandler.ErrorJson(ExportName.Parse("exports/geo/day1.parquet"), "e", Invalid(), At),
        };

        var expected = new Dictionary<string, int> { ["run manifest"] = 4, ["dataset manifest"] = 1, ["alert"] = 1, ["delivery record"] = 3, ["latest.json"] = 1, ["quarantine reason"] = 1 };

        foreach (var (kind, bytes) in documents)
        {
            var times = AnyTime.Matches(Text(bytes)).Select(m => m.Groups[1].Value).ToArray();
            Assert.True(times.Length == expected[kind], $"{kind} holds {times.Length} times, expected {expected[kind]}");
            Assert.All(times, time => Assert.Matches(StoredTime, time));
        }
    }

    [Fact]
    public void A_delivery_record_with_offset_or_millisecond_times_as_earlier_versions_wrote_still_reads()
    {
        const string older = """
            {
              "schema": 1,
              "alertId": "0123456789abcdef0123456789abcdef",
              "alertPath": "alerts/2026/11/24/0123456789abcdef0123456789abcdef.json",
              "subscriber": {
                "name": "acme-ops",
                "url": "https://hooks.example.com/lift",
                "secretName": null
              },
              "status": "delivered",
              "attempts": 1,
              "lastStatusCode": 200,
              "lastError": null,
              "claimedUntil": null,
              "deliveredAt": "2026-11-24T02:00:00.000Z",
              "updatedAt": "2026-11-24T04:00:00+02:00"
            }
            """;

        var record = DeliveryRecord.Parse(Encoding.UTF8.GetBytes(older), "alerts/deliveries/x/acme-ops.json");

        var utc = new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal((DeliveryState.Delivered, 1, 200, utc, utc), (record.State, record.Attempts, record.LastStatusCode!.Value, record.DeliveredAt!.Value, record.UpdatedAt));
        Assert.Null(record.Subscriber.SecretName);
        var missing = Assert.Throws<AlertFormatException>(() => DeliveryRecord.Parse(Encoding.UTF8.GetBytes(older.Replace("\"attempts\"", "\"tries\"", StringComparison.Ordinal)), "d.json"));
        Assert.Equal("d.json: field 'attempts' is missing or not a JSON number", missing.Message);
        var badTime = Assert.Throws<AlertFormatException>(() => DeliveryRecord.Parse(Encoding.UTF8.GetBytes(older.Replace("\"2026-11-24T04:00:00+02:00\"", "\"yesterday\"", StringComparison.Ordinal)), "d.json"));
        Assert.Equal("d.json: field 'updatedAt' is not a UTC time like 2026-01-31T02:00:00.0000000Z", badTime.Message);
    }

    [Fact]
    public void An_alert_written_with_named_non_finite_evidence_as_earlier_versions_wrote_still_reads()
    {
        var text = Text(AlertJson.Write(AlertTestKit.SampleAlert()))
            .Replace("\"p_value\": 1.2E-07", "\"p_value\": \"NaN\", \"inf\": \"Infinity\", \"ninf\": \"-Infinity\"", StringComparison.Ordinal)
            .Replace("01:30:00.0000000Z", "01:30:00+00:00", StringComparison.Ordinal);

        var alert = AlertJson.Read(Encoding.UTF8.GetBytes(text), "alerts/old.json");

        Assert.True(double.IsNaN(alert.Evidence["p_value"]));
        Assert.Equal((double.PositiveInfinity, double.NegativeInfinity), (alert.Evidence["inf"], alert.Evidence["ninf"]));
        Assert.Equal(AlertTestKit.SampleAlert().RaisedAt, alert.RaisedAt);
        var wrong = Assert.Throws<AlertFormatException>(() => AlertJson.Read(Encoding.UTF8.GetBytes(text.Replace("\"inf\": \"Infinity\"", "\"inf\": \"lots\"", StringComparison.Ordinal)), "alerts/old.json"));
        Assert.Equal("alerts/old.json: field 'evidence.inf' is not a number", wrong.Message);
        var wrongType = Assert.Throws<AlertFormatException>(() => AlertJson.Read(Encoding.UTF8.GetBytes(text.Replace("\"severity\": \"breach\"", "\"severity\": 2", StringComparison.Ordinal)), "alerts/old.json"));
        Assert.Equal("alerts/old.json: field 'severity' is missing or not a JSON string", wrongType.Message);
    }

    [Theory]
    [InlineData("2026-11-24T02:00:00.000Z")]
    [InlineData("2026-11-24T02:00:00+00:00")]
    [InlineData("2026-11-24T02:00:00.0000000Z")]
    public async Task Latest_json_written_by_earlier_versions_is_still_compared_by_its_time(string storedTime)
    {
        var store = new FolderStore(_root.FullName);
        var campaign = CampaignId.Parse("vbo-test");
        var stored = $$"""
            {
              "schemaVersion": 1,
              "campaign": "vbo-test",
              "runId": "run-0",
              "generatedAt": "{{storedTime}}",
              "design": "holdout",
              "recommendation": "extend",
              "reason": "r",
              "json": "reports/vbo-test/run-0/report.json",
              "html": "reports/vbo-test/run-0/report.html",
              "markdown": "reports/vbo-test/run-0/report.md"
            }
            """;
        await store.WriteAsync(StoreLayout.LatestReport(campaign), Encoding.UTF8.GetBytes(stored));
        var utc = new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

        Assert.False(await LatestReport.WriteAsync(store, campaign, Holdout(0.2, 0.01, utc.AddMinutes(-1)), "reports/vbo-test/run-1/"));
        Assert.True(await LatestReport.WriteAsync(store, campaign, Holdout(0.2, 0.01, utc.AddMinutes(1)), "reports/vbo-test/run-1/"));
    }
}
