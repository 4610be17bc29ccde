namespace LiftPipeline.Statistics.Decisions.Evidence;

/// <summary>One subgroup's pooled estimate.</summary>
/// <param name="Group">The subgroup (segment, surface, market).</param>
/// <param name="Result">The meta-analysis of its studies alone, with its own τ².</param>
public sealed record SubgroupEstimate(string Group, MetaAnalysisResult Result);

/// <summary>A subgroup analysis: the pooled effect overall and per subgroup, and the test that the subgroups differ.</summary>
/// <param name="Overall">All studies pooled together.</param>
/// <param name="Subgroups">One pooled estimate per subgroup, in order of first appearance.</param>
/// <param name="Between">
/// Q-between: Cochran's Q of the subgroup estimates with their inverse-variance variances 1/Σw* (χ² on G − 1 df);
/// significant when the subgroups' pooled effects differ by more than their uncertainty.
/// </param>
public sealed record SubgroupAnalysisResult(MetaAnalysisResult Overall, IReadOnlyList<SubgroupEstimate> Subgroups, HeterogeneityTest Between);

/// <summary>
/// Subgroup analysis with a separate τ² per subgroup and a Q-between test on the subgroup estimates (Borenstein,
/// Hedges, Higgins and Rothstein 2009, Introduction to Meta-Analysis, ch. 19; as in RevMan). Pure and thread-safe.
/// </summary>
public static class SubgroupAnalysis
{
    /// <summary>Pools the studies overall and per <see cref="StudyEstimate.Group"/>, and tests between subgroups.</summary>
    /// <exception cref="ArgumentException">A study without a group, no studies, or a variance that is not finite and positive.</exception>
    public static SubgroupAnalysisResult Run(IReadOnlyList<StudyEstimate> studies, MetaAnalysisOptions? options = null)
    {
        options ??= MetaAnalysisOptions.Default;
        var overall = MetaAnalysis.Pool(studies, options);
        var groups = new List<string>();
        var members = new Dictionary<string, List<StudyEstimate>>(StringComparer.Ordinal);
        foreach (var study in studies)
        {
            var group = study.Group ?? throw new ArgumentException($"Study '{study.Label}' has no group; every study in a subgroup analysis needs one.", nameof(studies));
            if (!members.TryGetValue(group, out var list))
            {
                members[group] = list = [];
                groups.Add(group);
            }
            list.Add(study);
        }
        var subgroups = new SubgroupEstimate[groups.Count];
        var estimates = new double[groups.Count];
        var variances = new double[groups.Count];
        var normal = options with { Interval = PooledIntervalMethod.Normal };
        for (int g = 0; g < groups.Count; g++)
        {
            subgroups[g] = new(groups[g], MetaAnalysis.Pool(members[groups[g]], options));
            // The between test uses the inverse-variance variance 1/Σw*, whatever interval the subgroup reports.
            var inverseVariance = MetaAnalysis.Pool(members[groups[g]], normal);
            estimates[g] = inverseVariance.Estimate;
            variances[g] = inverseVariance.StandardError * inverseVariance.StandardError;
        }
        return new(overall, subgroups, HeterogeneityTest.CochranQ(estimates, variances));
    }
}
