using System.Globalization;
using System.Text.Json;
using LiftPipeline.Ingestion;
using LiftPipeline.Pipeline.Privacy;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>
/// Reads campaign.json field by field from a <see cref="JsonDocument"/>, so that every problem is collected with its
/// JSON path instead of stopping at the first. One reader per document; not thread-safe.
/// </summary>
internal sealed partial class CampaignConfigReader
{
    /// <summary>The properties accepted in each object, by object path (<c>""</c> is the document; <c>subscribers[]</c> each subscriber).</summary>
    internal static IReadOnlyDictionary<string, IReadOnlyList<string>> Properties { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [""] = ["id", "name", "active", "status", "design", "metrics", "estimators", "variance", "cohortVariance", "replications", "seed", "maxRows", "solver",
            "treatment", "arms", "alpha", "subscribers", "guardrails", "columns", "holdout", "geoDesign",
            "unit", "revenueMetric", "conversionMetric", "privacy"],
        ["treatment"] = ["start", "end"],
        ["subscribers[]"] = ["name", "url", "secretName", "delivery"],
        ["guardrails"] = ["maxScaledL2Imbalance", "placeboInTimeAlpha", "maxMissingPeriods", "lateAfterDays",
            "srmAlpha", "maxControlExposure", "targetRelativeMde", "harm", "fairnessGroups"],
        ["guardrails.harm[]"] = ["metric", "margin", "higherIsBetter"],
        ["holdout"] = ["control", "allocation", "contrasts", "conversionMetric", "revenueMetric", "ratios", "capQuantile", "adjustment",
            "sequentialTuningN", "spend", "primaryContrast"],
        ["holdout.contrasts[]"] = ["treatment", "control"],
        ["holdout.ratios[]"] = ["name", "numerator", "denominator"],
        ["geoDesign"] = ["metric", "sizes", "treatmentPeriods", "effectSizes", "include", "exclude", "controls", "cpic", "budget", "alpha", "power",
            "lookback", "calibrationWindows", "estimator", "permutations", "permutation", "seed", "side", "ranking", "holdout", "cells", "fixedHorizon"],
        ["columns"] = [.. ContractColumns.Mappable],
        ["privacy"] = ["minimumCustomers", "noise"],
        ["privacy.noise"] = ["mechanism", "epsilon", "delta", "bounds", "budget"],
        ["privacy.noise.budget"] = ["rho", "epsilon", "delta"],
    };

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private readonly List<CampaignConfigError> _errors = [];

    public static CampaignConfig Read(string campaignId, ReadOnlySpan<byte> json)
    {
        if (!CampaignId.TryParse(campaignId, out var campaign))
        {
            throw new CampaignConfigException(campaignId ?? "", [new("$", $"the campaign folder '{campaignId}' is not a campaign id; ids are 1 to 64 characters of a-z, 0-9 and '-'")]);
        }
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];   // editors on Windows often save UTF-8 with a byte-order mark
        }
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new CampaignConfigException(campaignId, [new("$", $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}")], e);
        }
        using (document)
        {
            var reader = new CampaignConfigReader();
            var config = reader.ReadRoot(campaign, document.RootElement);
            return reader._errors.Count == 0 ? config! : throw new CampaignConfigException(campaignId, reader._errors);
        }
    }

    private CampaignConfig? ReadRoot(CampaignId campaignId, JsonElement root)
    {
        if (!IsObject(root, "$", "the campaign settings"))
        {
            return null;
        }
        CheckProperties(root, "", Properties[""]);
        string? id = String(root, "", "id", required: true);
        if (id is not null && id != campaignId)
        {
            Error("id", $"is '{id}' but the file is in {StoreLayout.CampaignFolderOf(campaignId)}; set \"id\": \"{campaignId}\" or move the file");
        }
        string? name = String(root, "", "name", required: true);
        bool active = Bool(root, "", "active", true);
        var design = Choice(root, "", "design", ["panel", "holdout"], null);
        var status = Status(root, design);
        var metrics = StringList(root, "", "metrics", required: true, allowed: null);
        string? unit = String(root, "", "unit", required: false);
        string? revenueMetric = MetricName(root, "", "revenueMetric", metrics);
        string? conversionMetric = MetricName(root, "", "conversionMetric", metrics);
        var estimators = StringList(root, "", "estimators", required: false, allowed: PanelEstimators.Names) ?? ["sdid"];
        var variance = Choice(root, "", "variance", [.. VarianceEstimators.Names, "none"], "placebo");
        var cohortVariance = Choice(root, "", "cohortVariance", [.. CohortVariances.Names], "joint");
        int replications = Int(root, "", "replications", 200, 1, 100_000);
        int seed = Int(root, "", "seed", 1, int.MinValue, int.MaxValue);
        int maxRows = Int(root, "", "maxRows", (int)IngestionLimits.Panel.MaxRows, 1, int.MaxValue);
        var solver = Choice(root, "", "solver", ["exact", "synthdid"], "exact");
        var treatment = Treatment(root, design);
        var arms = StringList(root, "", "arms", required: false, allowed: null);
        double alpha = Level(root, "", "alpha", CampaignConfig.DefaultAlpha);
        var subscribers = Subscribers(root);
        var guardrails = Guardrails(root, metrics);
        var holdout = Holdout(root, design, metrics, arms) is { } settings
            ? settings with { RevenueMetric = settings.RevenueMetric ?? revenueMetric, ConversionMetric = settings.ConversionMetric ?? conversionMetric }
            : null;
        var columns = Columns(root);
        var privacy = Privacy(root, design, metrics);
        var geoDesign = GeoDesign(root, design, status, metrics, seed, alpha);
        if (design is null && !TryGet(root, "design", out _))
        {
            Error("design", "is required; set \"design\": \"panel\" (a unit × period export) or \"holdout\" (a customer-level experiment)");
        }
        if (_errors.Count > 0)
        {
            return null;
        }
        return new CampaignConfig
        {
            Id = campaignId, Name = name!, Active = active, Design = design == "holdout" ? CampaignDesign.Holdout : CampaignDesign.Panel,
            Metrics = metrics!, Unit = unit, RevenueMetric = revenueMetric, ConversionMetric = conversionMetric, Estimators = estimators, Variance = variance == "none" ? null : variance,
            CohortVariance = CohortVariances.TryParse(cohortVariance, out var cohorts) ? cohorts : CohortVariance.Joint,
            Replications = replications, Seed = seed, MaxRows = maxRows, Solver = solver == "synthdid" ? WeightSolver.Synthdid : WeightSolver.Exact,
            Treatment = treatment, Arms = arms, Alpha = alpha, Subscribers = subscribers, Guardrails = guardrails, Columns = columns,
            Holdout = holdout, Status = status, GeoDesign = geoDesign, Privacy = privacy,
        };
    }

    private TreatmentWindow? Treatment(JsonElement root, string? design)
    {
        if (!root.TryGetProperty("treatment", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (design == "holdout")
            {
                Error("treatment", "is required for a holdout; give {\"start\": \"yyyy-MM-dd\"} (and \"end\" when the holdout has ended)");
            }
            return null;
        }
        if (!IsObject(element, "treatment", "the treatment window"))
        {
            return null;
        }
        CheckProperties(element, "treatment", Properties["treatment"]);
        var start = PeriodValue(element, "treatment", "start", required: true);
        var end = PeriodValue(element, "treatment", "end", required: false);
        if (start is { } s && end is { } e)
        {
            if (s.Kind != e.Kind)
            {
                Error("treatment.end", $"is a {e.Kind} but start is a {s.Kind}; use two dates or two integers");
            }
            else if (e.CompareTo(s) < 0)
            {
                Error("treatment.end", $"({e}) is before treatment.start ({s}); the window is inclusive and needs end ≥ start");
            }
        }
        return start is { } first ? new TreatmentWindow(first, end) : null;
    }

    private Period? PeriodValue(JsonElement obj, string parent, string name, bool required)
    {
        string path = Join(parent, name);
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error(path, "is required; give an ISO date (\"2024-03-01\") or an integer period");
            }
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long integer))
        {
            return Period.FromInteger(integer);
        }
        if (value.ValueKind == JsonValueKind.String
            && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return Period.FromDate(date);
        }
        Error(path, $"is {Show(value)}; give an ISO date (\"2024-03-01\") or an integer period");
        return null;
    }

    private IReadOnlyList<CampaignSubscriber> Subscribers(JsonElement root)
    {
        if (!root.TryGetProperty("subscribers", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            Error("subscribers", $"is {Show(array)}; give a list of {{\"name\", \"url\"}} objects");
            return [];
        }
        var subscribers = new List<CampaignSubscriber>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            string path = $"subscribers[{i++}]";
            if (!IsObject(item, path, "a subscriber"))
            {
                continue;
            }
            CheckProperties(item, path, Properties["subscribers[]"]);
            string? name = String(item, path, "name", required: true);
            string? url = String(item, path, "url", required: true);
            string? secret = String(item, path, "secretName", required: false);
            var delivery = Choice(item, path, "delivery", ["alerts", "digest"], "alerts") == "digest" ? DeliveryMode.Digest : DeliveryMode.Alerts;
            if (name is not null && !SubscriberNamePattern().IsMatch(name))
            {
                Error(Join(path, "name"), $"'{name}' is not a subscriber name; use 1 to 64 letters, digits, '.', '-' or '_' (such as '{Suggest(name)}'): it names the delivery records");
                name = null;
            }
            if (name is not null && !names.Add(name))
            {
                Error(Join(path, "name"), $"'{name}' is used by an earlier subscriber; subscriber names must be unique");
            }
            Uri? uri = null;
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                Error(Join(path, "url"), $"'{SubscriberUrl.Redact(url)}' is not an absolute http:// or https:// address");
                uri = null;
            }
            else if (uri is not null && uri.UserInfo.Length > 0)
            {
                // Never echoed: the password would land in logs and run manifests.
                Error(Join(path, "url"), $"'{SubscriberUrl.Redact(uri)}' carries credentials; remove the user name and password and sign with \"secretName\" instead");
                uri = null;
            }
            if (secret is not null && !SecretNamePattern().IsMatch(secret))
            {
                Error(Join(path, "secretName"), $"'{secret}' is not a setting name (letters, digits, '-', '_', ':'); put the secret in settings and its name here");
            }
            if (name is not null && uri is not null)
            {
                subscribers.Add(new CampaignSubscriber(name, uri, secret, delivery));
            }
        }
        return subscribers;
    }

    private GuardrailThresholds Guardrails(JsonElement root, IReadOnlyList<string>? metrics)
    {
        var defaults = new GuardrailThresholds();
        if (!root.TryGetProperty("guardrails", out var element) || element.ValueKind == JsonValueKind.Null || !IsObject(element, "guardrails", "the guardrail thresholds"))
        {
            return defaults;
        }
        CheckProperties(element, "guardrails", Properties["guardrails"]);
        return new GuardrailThresholds
        {
            MaxScaledL2Imbalance = Positive(element, "guardrails", "maxScaledL2Imbalance", defaults.MaxScaledL2Imbalance),
            PlaceboInTimeAlpha = Level(element, "guardrails", "placeboInTimeAlpha", defaults.PlaceboInTimeAlpha),
            MaxMissingPeriods = Int(element, "guardrails", "maxMissingPeriods", defaults.MaxMissingPeriods, 0, int.MaxValue),
            LateAfterDays = Int(element, "guardrails", "lateAfterDays", defaults.LateAfterDays, 0, 36_500),
            SrmAlpha = Number(element, "guardrails", "srmAlpha", defaults.SrmAlpha, v => v > 0 && v < 0.5, "a level strictly between 0 and 0.5, such as 0.001"),
            MaxControlExposure = Number(element, "guardrails", "maxControlExposure", defaults.MaxControlExposure, v => v >= 0 && v < 1, "a share from 0 to 1, such as 0.01"),
            TargetRelativeMde = TryGet(element, "targetRelativeMde", out _)
                ? Positive(element, "guardrails", "targetRelativeMde", 0.05)
                : null,
            Harm = Harm(element, metrics),
            // [] turns the check off.
            FairnessGroups = TryGet(element, "fairnessGroups", out var groups) && groups.ValueKind == JsonValueKind.Array && groups.GetArrayLength() == 0 ? []
                : StringList(element, "guardrails", "fairnessGroups", required: false,
                allowed: [GuardrailThresholds.FairnessSegment, GuardrailThresholds.FairnessSurface, GuardrailThresholds.FairnessMarket]) ?? defaults.FairnessGroups,
        };
    }

    /// <summary>The <c>privacy</c> section: how a holdout's numbers are released (<see cref="ReleasePolicy"/>).</summary>
    private ReleasePolicy Privacy(JsonElement root, string? design, IReadOnlyList<string>? metrics)
    {
        if (!root.TryGetProperty("privacy", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return ReleasePolicy.Default;
        }
        if (design == "panel")
        {
            Error("privacy", "is only for \"design\": \"holdout\" (a panel report holds no customer counts); remove it or change the design");
            return ReleasePolicy.Default;
        }
        if (!IsObject(element, "privacy", "the release settings"))
        {
            return ReleasePolicy.Default;
        }
        CheckProperties(element, "privacy", Properties["privacy"]);
        return new ReleasePolicy(Int(element, "privacy", "minimumCustomers", (int)ReleasePolicy.Default.MinimumCustomers, 1, int.MaxValue))
        {
            Noise = TryGet(element, "noise", out var noise) && IsObject(noise, "privacy.noise", "the noise settings") ? Noise(noise, metrics) : null,
        };
    }

    private Dictionary<string, string> Columns(JsonElement root)
    {
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("columns", out var element) || element.ValueKind == JsonValueKind.Null || !IsObject(element, "columns", "the column mapping"))
        {
            return columns;
        }
        CheckProperties(element, "columns", Properties["columns"]);
        foreach (var property in element.EnumerateObject())
        {
            if (Properties["columns"].Contains(property.Name) && String(element, "columns", property.Name, required: true) is { } column)
            {
                columns[property.Name] = column;
            }
        }
        return columns;
    }
}
