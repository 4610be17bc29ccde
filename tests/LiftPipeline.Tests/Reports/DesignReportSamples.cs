using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Tests.Reports;

/// <summary>
/// Hand-built design reports: GeoLift's market-selection walkthrough rows (GeoLift_PreTest, include chicago, exclude
/// honolulu, cpic 7.5, budget 100000) with made-up power curves, so the writers can be checked value by value.
/// </summary>
internal static class DesignReportSamples
{
    public static readonly string[] Four = ["chicago", "cincinnati", "houston", "portland"];
    public static readonly string[] Two = ["chicago", "portland"];

    public static readonly GeoDesignOptions Options = new()
    {
        Sizes = [2, 3, 4, 5], TreatmentPeriods = [10, 15], EffectSizes = [0, 0.05, 0.1, 0.15, 0.2], Include = ["chicago"], Exclude = ["honolulu"],
        Cpic = 7.5, Budget = 100000, Alpha = 0.1,
    };

    public static readonly DesignDataset Dataset = new("datasets/geo-plan/panel-0123456789abcdef0123456789abcdef.parquet", "conversions", 40, 90, "2021-01-01", "2021-03-31");

    public static MarketCandidate FourFifteen => new(1, Four, 15, 0.05, 0.9, 0.1971864, 74118.38, 159.3627, 0.04829913, 0.07576405, 0.002, 0.92423595, 0.951, 0.1);

    /// <summary>Its false-positive rate, 0.3, is over twice alpha: the test is not calibrated.</summary>
    public static MarketCandidate TwoFifteen => new(2, Two, 15, 0.10, 1.0, 0.1738778, 64563.75, 290.0071, 0.10117316, 0.03306537, 0.001, 0.96693463, 0.902, 0.3);

    public static MarketCandidate TwoTen => new(3, Two, 10, 0.10, 0.85, 0.1682310, 43646.25, 300.9401, 0.10378013, 0.03306537, 0.004, 0.96693463, 0.902, null);

    public static GeoPowerCurve Curve(string[] locations, double[] power15, double[] power10)
    {
        var points = new List<GeoPowerPoint>();
        double[] effects = [0, 0.05, 0.1, 0.15, 0.2];
        for (int k = 0; k < effects.Length; k++)
        {
            points.Add(new GeoPowerPoint(10, effects[k], power10[k], 100 * effects[k], effects[k] * 0.98, 0.17, 43646.25 * effects[k] / 0.1, 1));
            points.Add(new GeoPowerPoint(15, effects[k], power15[k], 120 * effects[k], effects[k] * 1.01, 0.17, 64563.75 * effects[k] / 0.1, 1));
        }
        return new GeoPowerCurve(locations, points, [new GeoCalibration(10, 0.1, 10), new GeoCalibration(15, 0.3, 10)], 10);
    }

    public static MarketSelection Selection() => new(
        [FourFifteen, TwoFifteen, TwoTen],
        [Curve(Four, [0, 1, 1, 1, 1], [0, 0, 1, 1, 1]), Curve(Two, [0, 0, 1, 1, 1], [0, 0, 1, 1, 1])],
        330, Options);

    public static DesignReport Report(MarketSelection? selection = null) =>
        DesignReport.Create("geo-plan", new DateTimeOffset(2026, 12, 4, 9, 30, 0, TimeSpan.Zero), "00112233445566778899aabbccddeeff", Dataset, Options, selection ?? Selection());
}
