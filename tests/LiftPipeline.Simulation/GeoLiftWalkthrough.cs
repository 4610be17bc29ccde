using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Simulation;

/// <summary>GeoLift's published market-selection walkthrough (the GeoLiftMarketSelection vignette on GeoLift_PreTest), shared by the tests and the benchmark.</summary>
public static class GeoLiftWalkthrough
{
    /// <summary>Include chicago, exclude honolulu, sizes 2–5, durations 10 and 15, effects 0–0.2 by 0.05, lookback 1, cpic 7.5, budget 100,000, alpha 0.1, 1000 permutations.</summary>
    public static GeoDesignOptions Options => new()
    {
        Sizes = [2, 3, 4, 5],
        TreatmentPeriods = [10, 15],
        EffectSizes = [0, 0.05, 0.1, 0.15, 0.2],
        Include = ["chicago"],
        Exclude = ["honolulu"],
        Lookback = 1,
        Cpic = 7.5,
        Budget = 100_000,
        Alpha = 0.1,
        Permutations = 1000,
        Seed = 1,
    };
}
