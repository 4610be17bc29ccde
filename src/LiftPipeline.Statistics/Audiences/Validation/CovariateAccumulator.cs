using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Statistics.Audiences.Validation;

/// <summary>
/// Streams covariate values by arm into shifted sums (<see cref="SampleMoments"/>): one count, Σ(y − K) and Σ(y − K)² per
/// (arm, covariate), K the covariate's first value seen. Adding allocates nothing. Not thread-safe.
/// </summary>
public sealed class CovariateAccumulator
{
    private readonly int _covariates;
    private readonly long[] _n;
    private readonly double[] _deviations;
    private readonly double[] _squares;
    private readonly double[] _shift;
    private readonly bool[] _shifted;

    /// <summary>An empty accumulator for <paramref name="arms"/> arms and <paramref name="covariates"/> covariates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one arm or covariate.</exception>
    public CovariateAccumulator(int arms, int covariates)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(arms, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(covariates, 1);
        Arms = arms;
        _covariates = covariates;
        _n = new long[arms * covariates];
        _deviations = new double[arms * covariates];
        _squares = new double[arms * covariates];
        _shift = new double[covariates];
        _shifted = new bool[covariates];
    }

    /// <summary>Number of arms.</summary>
    public int Arms { get; }

    /// <summary>Number of covariates.</summary>
    public int Covariates => _covariates;

    /// <summary>Adds <paramref name="value"/> of covariate <paramref name="covariate"/> for a customer in arm <paramref name="arm"/>; a NaN (missing) value is skipped.</summary>
    public void Add(int arm, int covariate, double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }
        if (!_shifted[covariate])
        {
            _shift[covariate] = value;
            _shifted[covariate] = true;
        }
        int cell = arm * _covariates + covariate;
        double d = value - _shift[covariate];
        _n[cell]++;
        _deviations[cell] += d;
        _squares[cell] += d * d;
    }

    /// <summary>The moments of covariate <paramref name="covariate"/> in arm <paramref name="arm"/>.</summary>
    public SampleMoments Moments(int arm, int covariate)
    {
        int cell = arm * _covariates + covariate;
        return new SampleMoments(_n[cell], _shift[covariate], _deviations[cell], _squares[cell]);
    }
}
