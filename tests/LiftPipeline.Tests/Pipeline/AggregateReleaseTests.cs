using System.Text;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Privacy;
using LiftPipeline.Statistics.Decisions.Privacy;
using LiftPipeline.Statistics.Experiments;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The aggregate table's release with noise: the noise SDs are the mechanisms' scales, the charge composes as documented,
/// the bytes depend only on (campaign, run), the released means' intervals cover the truth, and privacy.noise is read
/// with every mistake named.
/// </summary>
public sealed class AggregateReleaseTests
{
    private static readonly string[] Metrics = ["revenue"];

    private static AggregateNoise Gaussian(double epsilon, double delta, double bound) =>
        new(NoiseKind.Gaussian, epsilon, delta, new Dictionary<string, double> { ["revenue"] = bound }, 10, 1e-6);

    private static AggregateCell Cell(string arm, long n, double sum, double sumSquares) =>
        new(arm, "overall", null, n, [new SampleMoments(n, sum, sumSquares)]);

    [Fact]
    public void Every_noise_sd_in_the_table_is_the_mechanisms_scale_for_the_configured_epsilon_and_delta()
    {
        var table = AggregateRelease.Build("c", "run-1", 50, Gaussian(1, 1e-5, 100), Metrics, [Cell("vbo", 1000, 20_000, 900_000)], 0.05, new Random(1));

        var row = Assert.Single(table.Rows);
        Assert.Equal(3.73063, row.CustomersNoiseStandardDeviation, 4);   // the analytic vector for Δ = 1, δ = 1e-5, ε = 1
        Assert.Equal(373.063, row.Metrics[0].SumNoiseStandardDeviation, 2);   // Δ = bound = 100

        var laplace = new AggregateNoise(NoiseKind.Laplace, 0.5, 1e-6, new Dictionary<string, double> { ["revenue"] = 100 }, 10, 1e-6);
        var released = AggregateRelease.Build("c", "run-1", 50, laplace, Metrics, [Cell("vbo", 1000, 20_000, 900_000)], 0.05, new Random(2)).Rows[0];
        Assert.Equal(Math.Sqrt(2) * 2, released.CustomersNoiseStandardDeviation, 12);   // b = Δ/ε = 2, SD = √2·b
        Assert.Equal(Math.Sqrt(2) * 200, released.Metrics[0].SumNoiseStandardDeviation, 9);
    }

    [Fact]
    public void The_mean_is_the_noisy_sum_over_the_noisy_count_with_the_noise_folded_into_its_interval()
    {
        var row = AggregateRelease.Build("c", "run-1", 50, Gaussian(1, 1e-5, 100), Metrics, [Cell("vbo", 1000, 20_000, 900_000)], 0.05, new Random(3)).Rows[0];

        var mean = row.Metrics[0].Mean;
        Assert.Equal(row.Metrics[0].Sum / row.Customers, mean.Value, 12);
        double sigma = 3.730631;
        double noiseSd = Math.Sqrt((Math.Pow(100 * sigma, 2) + mean.Value * mean.Value * sigma * sigma) / (row.Customers * row.Customers));
        Assert.Equal(noiseSd, mean.NoiseStandardDeviation, 4);
        Assert.Equal(Math.Sqrt(mean.SamplingStandardError * mean.SamplingStandardError + noiseSd * noiseSd), mean.StandardError, 4);
        Assert.Equal(1.959964 * mean.StandardError, mean.Upper - mean.Value, 4);
    }

    [Fact]
    public void The_same_key_and_run_release_the_same_bytes_and_another_run_or_key_draws_other_noise()
    {
        byte[] key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), other = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        AggregateTable Release(string run, byte[] k) =>
            AggregateRelease.Build("c", run, 50, Gaussian(1, 1e-6, 100), Metrics, [Cell("vbo", 1000, 20_000, 900_000)], 0.05, new KeyedNoiseSource(k, run));

        Assert.Equal(AggregateTableFiles.ToJson(Release("run-1", key)), AggregateTableFiles.ToJson(Release("run-1", key)));
        Assert.Equal(AggregateTableFiles.ToCsv(Release("run-1", key)), AggregateTableFiles.ToCsv(Release("run-1", key)));
        Assert.NotEqual(Release("run-1", key).Rows[0].Customers, Release("run-2", key).Rows[0].Customers);
        // The noise depends on the secret key, not only on the ids written in the table: without the key it cannot be redrawn.
        Assert.NotEqual(Release("run-1", key).Rows[0].Customers, Release("run-1", other).Rows[0].Customers);
    }

    [Fact]
    public void The_keyed_source_draws_uniforms_a_test_cannot_tell_from_uniform()
    {
        var source = new KeyedNoiseSource(new byte[32], "run-1");
        const int n = 100_000;
        var bins = new int[10];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double u = source.NextDouble();
            Assert.InRange(u, 0, 1 - 1e-17);
            bins[(int)(u * 10)]++;
            sum += u;
        }
        // Mean within 5 SEs of 1/2 (SE = √(1/12n)) and χ² on 9 df below its 0.999 quantile, 27.88.
        Assert.InRange(sum / n, 0.5 - 5 * Math.Sqrt(1.0 / 12 / n), 0.5 + 5 * Math.Sqrt(1.0 / 12 / n));
        double chi = bins.Sum(b => (b - n / 10.0) * (b - n / 10.0) / (n / 10.0));
        Assert.True(chi < 27.88, $"χ² = {chi}");
    }

    [Fact]
    public void Without_noise_the_table_is_exact_and_has_no_noise_fields()
    {
        var table = AggregateRelease.Build("c", "run-1", 50, null, Metrics, [Cell("vbo", 4, 10, 30)], 0.05);

        var row = table.Rows[0];
        Assert.Equal((4.0, 10.0, 2.5), (row.Customers, row.Metrics[0].Sum, row.Metrics[0].Mean.Value));
        Assert.Equal(Math.Sqrt((30 - 100.0 / 4) / 3 / 4), row.Metrics[0].Mean.StandardError, 12);
        string json = Encoding.UTF8.GetString(AggregateTableFiles.ToJson(table));
        Assert.DoesNotContain("noise", json, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("arm,breakdown,value,customers,metric,sum,mean,standard_error,lower,upper\nvbo,overall,,4,revenue,10,2.5,", Encoding.UTF8.GetString(AggregateTableFiles.ToCsv(table)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_is_charged_once_per_breakdown_and_quantity_and_a_zero_bound_costs_nothing()
    {
        var noise = new AggregateNoise(NoiseKind.Laplace, 0.5, 1e-6, new Dictionary<string, double> { ["revenue"] = 100, ["opened"] = 0 }, 10, 1e-6);

        var charges = AggregateRelease.Charges(noise, ["revenue", "opened"], ["overall", "segment", "surface", "market"]);

        Assert.Equal(4 * 3, charges.Count);   // customers, revenue.sum, revenue.sumOfSquares per breakdown
        Assert.All(charges, c => Assert.Equal(0.125, c.Rho, 15));   // ε²/2
        Assert.Contains(("segment/revenue.sumOfSquares", 0.125), charges);
        Assert.Equal(GaussianMechanism.Analytic(1, 1, 1e-6).Rho, Gaussian(1, 1e-6, 5).RhoPerTable, 15);
    }

    [Fact]
    public void The_released_means_intervals_cover_the_true_clipped_mean_about_95_percent_of_the_time()
    {
        // A simulated holdout arm: 400 customers, revenue exponential with mean 20, clipped to [0, 100]: true mean 20(1 − e^-5).
        const int Releases = 5000, N = 400;
        double truth = 20 * (1 - Math.Exp(-5));
        var random = new Random(16);
        int covered = 0, naive = 0;
        var values = new double[N];
        for (int r = 0; r < Releases; r++)
        {
            for (int i = 0; i < N; i++)
            {
                values[i] = Math.Min(100, Exponential.Sample(random, 1 / 20.0));
            }
            var cell = new AggregateCell("vbo", "overall", null, N, [SampleMoments.Of(values)]);
            var mean = AggregateRelease.Build("sim", $"run-{r}", 50, Gaussian(1, 1e-6, 100), Metrics, [cell], 0.05, random).Rows[0].Metrics[0].Mean;
            covered += mean.Lower <= truth && truth <= mean.Upper ? 1 : 0;
            double half = 1.959964 * mean.SamplingStandardError;
            naive += mean.Value - half <= truth && truth <= mean.Value + half ? 1 : 0;
        }

        // Measured: 94.8% (naive 79.5%), data and noise drawn from one seeded source. 95% ± 1 point is about 3 binomial SEs at 5,000 releases; ignoring the noise covers far less.
        Assert.InRange(covered / (double)Releases, 0.94, 0.96);
        Assert.True(naive / (double)Releases < 0.85, $"naive coverage {naive / (double)Releases}");
    }

    [Fact]
    public void The_ledger_rebuilds_the_budget_from_its_charges_and_a_lowered_budget_affords_nothing_more()
    {
        var ledger = new PrivacyLedger([new("run-1", "overall/customers", 0.25), new("run-2", "overall/customers", 0.25), new("run-3", "overall/customers", 0.25)], [], null, null);

        var budget = ledger.Budget("c", 1);
        Assert.Equal((0.75, 0.25), (budget.SpentRho, budget.RemainingRho));
        Assert.Equal(0.5, ledger.SpentThrough("run-2"));
        Assert.True(ledger.Charged("run-2"));
        Assert.False(ledger.Charged("run-4"));
        var lowered = ledger.Budget("c", 0.5);
        Assert.Equal((0.75, 0.0), (lowered.Rho, lowered.RemainingRho));
        Assert.False(lowered.CanAfford(0.01));
    }

    [Fact]
    public void Privacy_noise_is_read_with_its_defaults_and_an_epsilon_budget_becomes_rho()
    {
        var config = Parse("""{ "epsilon": 1, "bounds": { "revenue": 500, "conversions": 5 }, "budget": { "epsilon": 3, "delta": 1e-6 } }""");

        var noise = config.Privacy.Noise!;
        Assert.Equal((NoiseKind.Gaussian, 1.0, 1e-6, 500.0, 5.0), (noise.Mechanism, noise.Epsilon, noise.Delta, noise.Bounds["revenue"], noise.Bounds["conversions"]));
        Assert.Equal(ZeroConcentratedPrivacy.RhoForEpsilon(3, 1e-6), noise.BudgetRho, 15);
        Assert.Equal(1e-6, noise.BudgetDelta);
        var laplace = Parse("""{ "mechanism": "laplace", "epsilon": 0.5, "bounds": { "revenue": 500, "conversions": 5 }, "budget": { "rho": 2 } }""").Privacy.Noise!;
        Assert.Equal((NoiseKind.Laplace, 2.0), (laplace.Mechanism, laplace.BudgetRho));
        Assert.Null(Parse(null).Privacy.Noise);
    }

    [Fact]
    public void Privacy_noise_mistakes_are_reported_with_their_fields()
    {
        var error = Assert.Throws<CampaignConfigException>(() => Parse(
            """{ "mechanism": "laplace", "epsilon": 0, "delta": 1e-5, "bounds": { "revenue": -1, "orders": 3 }, "budget": { "rho": 1, "epsilon": 2 } }"""));

        foreach (var expected in new[]
        {
            "privacy.noise.epsilon: is the number 0; give the privacy loss",
            "privacy.noise.delta: is only for \"mechanism\": \"gaussian\"",
            "privacy.noise.bounds.revenue: is the number -1; give the metric's upper clipping bound",
            "privacy.noise.bounds.orders: is not a metric",
            "privacy.noise.bounds.conversions: is required",
            "privacy.noise.budget: needs exactly one of \"rho\"",
        })
        {
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        var missing = Assert.Throws<CampaignConfigException>(() => Parse("""{ "epsilon": 1 }"""));
        Assert.Contains("privacy.noise.bounds: is required", missing.Message, StringComparison.Ordinal);
        Assert.Contains("privacy.noise.budget: is required", missing.Message, StringComparison.Ordinal);
    }

    private static CampaignConfig Parse(string? noise) => CampaignConfig.Parse("vbo-test", Encoding.UTF8.GetBytes(
        """{ "id": "vbo-test", "name": "n", "design": "holdout", "metrics": ["revenue", "conversions"], "treatment": {"start": "2026-10-01"}, "privacy": { "minimumCustomers": 50"""
        + (noise is null ? "" : $", \"noise\": {noise}") + " } }"));
}
