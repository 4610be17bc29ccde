namespace LiftPipeline.Statistics.Conflation;

/// <summary>A live geo test: its treated and control markets and the days it runs (inclusive). Immutable.</summary>
/// <param name="Name">The campaign's name.</param>
/// <param name="Treated">Markets that receive the treatment.</param>
/// <param name="Control">Markets held out as controls.</param>
/// <param name="Start">First live day.</param>
/// <param name="End">Last live day.</param>
public sealed record GeoTestWindow(string Name, IReadOnlyList<string> Treated, IReadOnlyList<string> Control, DateOnly Start, DateOnly End);
