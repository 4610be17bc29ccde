using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Cli.Rendering;

/// <summary>Test cells compared at one duration: each cell's power curve and, for every ordered pair, the lift multiple that wins.</summary>
internal sealed record CellComparisons(int Duration, IReadOnlyList<GeoPowerCurve> Curves, IReadOnlyList<CellComparison> Pairs);
