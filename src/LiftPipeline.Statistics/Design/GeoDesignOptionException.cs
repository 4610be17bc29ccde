using System.Text.RegularExpressions;

namespace LiftPipeline.Statistics.Design;

/// <summary>
/// A geo design's option that does not fit its data or range, named so each surface can say it in its own words: the
/// <see cref="Template"/> writes every option as <c>{Property}</c> (a <see cref="GeoDesignOptions"/> property, or
/// <c>Locations</c> and <c>FixedHorizon</c>), <see cref="Format"/> fills the names in — the CLI's flags
/// (<c>--treatment-periods</c>), campaign.json's fields — and <see cref="Exception.Message"/> uses the camelCase property
/// names (<c>treatmentPeriods</c>).
/// </summary>
public sealed partial class GeoDesignOptionException : ArgumentException
{
    /// <param name="template">The message with each option written as <c>{Property}</c>.</param>
    public GeoDesignOptionException(string template)
        : base(Fill(template, CamelCase))
    {
        Template = template;
    }

    /// <summary>The message with each option as <c>{Property}</c>.</summary>
    public string Template { get; }

    /// <summary>The message with every option named by <paramref name="name"/> (given the property name).</summary>
    public string Format(Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Fill(Template, name);
    }

    /// <summary>The property name in camelCase, as campaign.json's <c>geoDesign</c> fields spell it: <c>TreatmentPeriods</c> → <c>treatmentPeriods</c>.</summary>
    public static string CamelCase(string property)
    {
        ArgumentException.ThrowIfNullOrEmpty(property);
        return char.ToLowerInvariant(property[0]) + property[1..];
    }

    private static string Fill(string template, Func<string, string> name) => Option().Replace(template, m => name(m.Groups[1].Value));

    [GeneratedRegex(@"\{([A-Z][A-Za-z]*)\}")]
    private static partial Regex Option();
}
