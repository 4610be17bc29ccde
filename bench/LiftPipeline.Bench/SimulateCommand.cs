using System.Globalization;
using System.Text;
using LiftPipeline.Simulation;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Bench;

/// <summary>
/// <c>simulate</c>: the simulation study with known truth for every registered estimator × variance method, on the
/// factor-model designs of tests/LiftPipeline.Simulation, printed as markdown (and written with --out).
/// </summary>
internal static class SimulateCommand
{
    /// <summary>The designs of the table: random assignment, assignment on the first loading, a noisier treated unit.</summary>
    private static (string Name, FactorModel Design)[] Designs(FactorModel shape) =>
    [
        ("random assignment", shape),
        ("assignment on loading (s = 1)", shape with { AssignmentOnLoading = 1 }),
        ("treated noise ×3", shape with { TreatedNoiseScale = 3 }),
        ("AR(1) factors ρ = 0.7", shape with { FactorAutocorrelation = 0.7 }),
    ];

    public static int Run(string[] args)
    {
        int reps = 1000, varianceReps = 200, seed = 1;
        IReadOnlyList<string> estimators = PanelEstimators.Names, variances = VarianceEstimators.Names;
        string? output = null;
        var shape = new FactorModel { Tau = 1 };
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--variance-reps": varianceReps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--estimators": estimators = args[++i].Split(','); break;
                case "--variances": variances = args[++i].Split(','); break;
                case "--out": output = args[++i]; break;
                case "--n0": shape = shape with { N0 = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--n1": shape = shape with { N1 = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--t0": shape = shape with { T0 = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--t1": shape = shape with { T1 = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                default:
                    Console.Error.WriteLine($"simulate: unknown option '{args[i]}'");
                    return 2;
            }
        }
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Simulation study: {reps} panels per design (seed {seed}), {varianceReps} replications per variance method, 95% level; N0 = {shape.N0}, N1 = {shape.N1}, T0 = {shape.T0}, T1 = {shape.T1}, rank {shape.Rank}, σ = {shape.NoiseSd}, τ = {shape.Tau}."));
        foreach (var (name, design) in Designs(shape))
        {
            text.AppendLine().AppendLine("### " + name).AppendLine();
            var results = estimators.SelectMany(e => SimulationStudy.Run(design, e, variances, reps, seed, new VarianceOptions { Replications = varianceReps }));
            text.Append(SimulationStudy.Table(results));
            Console.Error.WriteLine($"simulate: {name} done");
        }
        Console.Write(text);
        if (output is not null)
        {
            File.WriteAllText(output, text.ToString());
        }
        return 0;
    }
}
