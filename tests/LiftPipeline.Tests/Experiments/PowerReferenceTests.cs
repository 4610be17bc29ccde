using System.Text.Json;
using LiftPipeline.Statistics.Experiments.Power;

namespace LiftPipeline.Tests.Experiments;

/// <summary>Published power and sample-size numbers (tests/data/experiments/power-reference.json), one case per row.</summary>
public sealed class PowerReferenceTests(Xunit.Abstractions.ITestOutputHelper log)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var item in Load().GetProperty("cases").EnumerateArray())
        {
            data.Add(item.GetProperty("id").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Power_calculation_reproduces_the_published_number(string id)
    {
        var item = Load().GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);
        double Get(string name) => item.GetProperty(name).GetDouble();
        double actual = item.GetProperty("kind").GetString() switch
        {
            "t-n" => TwoSampleTPower.SampleSizePerGroup(Get("delta"), Get("sd"), Get("power"), Get("alpha")),
            "t-power" => TwoSampleTPower.Power(Get("n"), Get("delta"), Get("sd"), Get("alpha")),
            "prop-n" => ProportionPower.SampleSizePerGroup(Get("p1"), Get("p2"), Get("power"), Get("alpha")),
            "prop-power" => ProportionPower.Power(Get("n"), Get("p1"), Get("p2"), Get("alpha")),
            "normal-n" => PowerAnalysis.SampleSize(Get("sd"), Get("delta"), new PowerOptions { Alpha = Get("alpha"), Power = Get("power") }).ArmSizes[0],
            var kind => throw new InvalidOperationException($"Unknown case kind {kind}"),
        };
        log.WriteLine($"{id}: {actual:R}");
        Assert.True(Math.Abs(actual - Get("expected")) <= Get("tolerance"), $"{id}: expected {Get("expected")}, got {actual:R}");
    }

    private static JsonElement Load() =>
        JsonDocument.Parse(File.ReadAllText(TestData.Path("experiments", "power-reference.json"))).RootElement;
}
