namespace LiftPipeline.Statistics.Panels;

/// <summary>
/// An N units × T periods matrix of one metric, row-major (a unit's periods are contiguous).
/// Immutable once built; safe to share between threads.
/// </summary>
public sealed class PanelMatrix
{
    private readonly double[] _values;

    /// <summary>The matrix of metric <paramref name="name"/>, <paramref name="values"/> row-major.</summary>
    /// <exception cref="ArgumentException">The values are not <paramref name="units"/> × <paramref name="periods"/>.</exception>
    public PanelMatrix(string name, int units, int periods, double[] values)
    {
        if (values.Length != units * periods)
        {
            throw new ArgumentException($"Expected {units}×{periods} values, got {values.Length}.", nameof(values));
        }
        Name = name;
        Units = units;
        Periods = periods;
        _values = values;
    }

    /// <summary>The metric's column name.</summary>
    public string Name { get; }

    /// <summary>N, the number of rows.</summary>
    public int Units { get; }

    /// <summary>T, the number of columns.</summary>
    public int Periods { get; }

    /// <summary>Y[unit, period].</summary>
    public double this[int unit, int period] => _values[unit * Periods + period];

    /// <summary>One unit's path over all periods.</summary>
    public ReadOnlySpan<double> Row(int unit) => _values.AsSpan(unit * Periods, Periods);

    /// <summary>All values, row-major.</summary>
    public ReadOnlySpan<double> Values => _values;
}
