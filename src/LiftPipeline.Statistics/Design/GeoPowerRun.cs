namespace LiftPipeline.Statistics.Design;

/// <summary>
/// Runs the power simulations of one set of test markets against a donor pool: every duration × lookback window ×
/// effect size, averaged into a <see cref="GeoPowerCurve"/>, plus the calibration (the effect-0 test on up to
/// <see cref="GeoDesignOptions.CalibrationWindows"/> recent windows, reusing the lookback windows' effect-0 runs).
/// Reports progress at most every ~1% of the planned simulations and checks cancellation between windows.
/// One instance per thread (it owns its simulator).
/// </summary>
internal sealed class GeoPowerRun
{
    private readonly GeoDesignPanel _data;
    private readonly GeoDesignOptions _options;
    private readonly IGeoSimulator _simulator;
    private readonly int[] _durations;
    private readonly double[] _effects;
    private readonly int _zero;
    private readonly double _level;
    private readonly GeoSimulation[] _results;
    private readonly IProgress<DesignProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private long _done, _nextReport;

    public GeoPowerRun(GeoDesignPanel data, GeoDesignOptions options, int[] durations, int candidates, IProgress<DesignProgress>? progress, CancellationToken cancellationToken)
    {
        _data = data;
        _options = options;
        _simulator = GeoSimulators.Create(data, options);
        _durations = durations;
        _effects = [.. options.EffectSizes];
        _zero = Array.IndexOf(_effects, 0.0);
        _level = options.TestAlpha;
        _results = new GeoSimulation[_effects.Length];
        _progress = progress;
        _cancellationToken = cancellationToken;
        long perCandidate = 0;
        foreach (int d in durations)
        {
            perCandidate += (long)options.Lookback * _effects.Length + ExtraCalibrationRuns(d);
        }
        Total = perCandidate * candidates;
        _nextReport = Step;
    }

    /// <summary>Simulations planned over all candidates, calibration included.</summary>
    public long Total { get; }

    /// <summary>GeoLift's count for one candidate: durations × effect sizes × lookback windows (calibration runs not counted).</summary>
    public int SimulationsPerCandidate => checked(_durations.Length * _effects.Length * _options.Lookback);

    private long Step => Math.Max(1, Total / 100);

    /// <summary>The power curve of <paramref name="treated"/> (panel rows, named <paramref name="locations"/>) with <paramref name="donors"/> (ascending) as the donor pool.</summary>
    public GeoPowerCurve Run(IReadOnlyList<string> locations, int[] treated, int[] donors)
    {
        // In panel order, so a test group's numbers do not depend on the order its markets were named in.
        treated = [.. treated.Order()];
        var points = new List<GeoPowerPoint>(_durations.Length * _effects.Length);
        var calibration = new List<GeoCalibration>(_durations.Length);
        int e = _effects.Length;
        var rejections = new int[e];
        var att = new double[e];
        var lift = new double[e];
        var imbalance = new double[e];
        var investment = new double[e];
        foreach (int d in _durations)
        {
            Array.Clear(rejections);
            Array.Clear(att);
            Array.Clear(lift);
            Array.Clear(imbalance);
            Array.Clear(investment);
            int windows = CalibrationWindows(d), falsePositives = 0;
            for (int s = 1; s <= Math.Max(_options.Lookback, windows); s++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var window = GeoWindow.Lookback(_data.T, d, s);
                if (s <= _options.Lookback)
                {
                    _simulator.Simulate(treated, donors, window, _effects, _results);
                    for (int k = 0; k < e; k++)
                    {
                        var r = _results[k];
                        rejections[k] += r.PValue < _level ? 1 : 0;
                        att[k] += r.Att;
                        lift[k] += r.DetectedLift;
                        imbalance[k] += r.ScaledL2Imbalance;
                        investment[k] += r.Investment;
                    }
                    Advance(e);
                }
                if (s <= windows)
                {
                    double p;
                    if (s <= _options.Lookback && _zero >= 0)
                    {
                        p = _results[_zero].PValue;
                    }
                    else
                    {
                        p = _simulator.NullPValue(treated, donors, window);
                        Advance(1);
                    }
                    falsePositives += p < _level ? 1 : 0;
                }
            }
            int lookback = _options.Lookback;
            for (int k = 0; k < e; k++)
            {
                points.Add(new GeoPowerPoint(d, _effects[k], (double)rejections[k] / lookback, att[k] / lookback, lift[k] / lookback,
                    imbalance[k] / lookback, investment[k] / lookback, lookback));
            }
            if (windows > 0)
            {
                calibration.Add(new GeoCalibration(d, (double)falsePositives / windows, windows));
            }
        }
        return new GeoPowerCurve(locations, points, calibration, SimulationsPerCandidate);
    }

    /// <summary>
    /// Calibration windows of a test of <paramref name="duration"/> periods: the configured number, capped so the oldest
    /// still has T0 ≥ max(4, 2 × duration) pre periods.
    /// </summary>
    public int CalibrationWindows(int duration)
    {
        int oldest = _data.T + 1 - duration - Math.Max(4, 2 * duration);
        return Math.Max(0, Math.Min(_options.CalibrationWindows, oldest));
    }

    private int ExtraCalibrationRuns(int duration)
    {
        int windows = CalibrationWindows(duration);
        return Math.Max(0, windows - _options.Lookback) + (_zero < 0 ? Math.Min(windows, _options.Lookback) : 0);
    }

    private void Advance(int simulations)
    {
        _done += simulations;
        if (_progress is not null && (_done >= _nextReport || _done == Total))
        {
            _progress.Report(new DesignProgress(_done, Total));
            _nextReport = _done + Step;
        }
    }
}
