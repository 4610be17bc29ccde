using System.Globalization;
using System.Text.Json;
using LiftPipeline.Pipeline.Audiences;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// An audience refresh as <c>lift run</c> and <c>lift demo</c> show it: the customer export used, then per audience its
/// segments, each holdout's arms, each surface's file (or why it was suppressed), the validation status with its report,
/// and every breach and warning; rejected customer exports with their reason. Also its part of <c>lift run --json</c>.
/// </summary>
internal static class AudienceRefreshView
{
    public static void Render(TextWriter output, AudienceRefreshPass pass, Func<string, string> locate)
    {
        if (pass.Export is { } export)
        {
            output.WriteLine($"audiences from {export}:");
        }
        foreach (var a in pass.Audiences)
        {
            output.WriteLine($"  {Status(a.Status)} {a.Message}");
            if (a.Status != AudienceRefreshStatus.Refreshed || a.AsOf is not { } asOf)
            {
                continue;
            }
            foreach (var (campaign, summary) in a.Assignments ?? [])
            {
                long assigned = summary.Counts.Sum();
                string arms = string.Join(", ", summary.Arms.Select((arm, i) => $"{arm} {summary.Counts[i]:N0}"));
                output.WriteLine($"    holdout {campaign}: {assigned:N0} customers — {arms} → {locate(StoreLayout.Assignment(CampaignId.Parse(campaign)))}");
            }
            foreach (var s in a.Activations ?? [])
            {
                string folder = StoreLayout.ActivationFolder(a.Audience, s.Surface.Name);
                output.WriteLine(s.SuppressedReason is { } reason
                    ? $"    {s.Surface.Name}: {reason} → {locate(folder + $"{asOf:yyyy-MM-dd}.suppressed.txt")}"
                    : $"    {s.Surface.Name}: {s.Customers:N0} customers ({s.Emails:N0} emails, {s.Phones:N0} phones) → {locate(folder + $"{asOf:yyyy-MM-dd}.csv")}");
            }
            if (a.Validation is { } validation)
            {
                output.WriteLine($"    validation {AudienceValidationJson.Status(validation.Status)} → {locate(StoreLayout.AudienceValidationMarkdown(a.Audience, asOf))}");
                foreach (var check in validation.Checks.Where(c => c.Status != GuardrailStatus.Pass))
                {
                    output.WriteLine($"      {check.Message}");
                }
            }
        }
        foreach (var q in pass.Quarantined)
        {
            string file = q.Export[(q.Export.LastIndexOf('/') + 1)..];
            output.WriteLine($"quarantined {q.Export} → {locate(StoreLayout.CustomerQuarantine(file))}");
            output.WriteLine($"  reason: {q.Message}");
        }
    }

    public static void Write(Utf8JsonWriter w, AudienceRefreshPass pass, Func<string, string> locate)
    {
        w.WriteStartObject("audiences");
        w.WriteString("export", pass.Export);
        w.WriteStartArray("refreshes");
        foreach (var a in pass.Audiences)
        {
            w.WriteStartObject();
            w.WriteString("audience", a.Audience);
            w.WriteString("status", Status(a.Status));
            w.WriteString("asOf", a.AsOf?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("message", a.Message);
            if (a.Build is { } build)
            {
                w.WriteNumber("customers", build.Customers);
                w.WriteStartObject("segments");
                foreach (var s in build.Segments)
                {
                    w.WriteNumber(s.Segment, s.Members);
                }
                w.WriteEndObject();
            }
            if (a.Validation is { } validation && a.AsOf is { } asOf)
            {
                w.WriteString("validation", AudienceValidationJson.Status(validation.Status));
                w.WriteString("validationReport", locate(StoreLayout.AudienceValidationJson(a.Audience, asOf)));
            }
            w.WriteStartArray("alerts");
            foreach (var alert in a.Alerts ?? [])
            {
                w.WriteStringValue(alert.Id);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("quarantined");
        foreach (var q in pass.Quarantined)
        {
            w.WriteStartObject();
            w.WriteString("export", q.Export);
            w.WriteString("message", q.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Status(AudienceRefreshStatus status) => status switch
    {
        AudienceRefreshStatus.Refreshed => "refreshed",
        AudienceRefreshStatus.UpToDate => "up-to-date",
        _ => "failed",
    };
}
