using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Statistics.Audiences.Validation;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// Validates one audience refresh from its files (docs/audiences.md, "Validation report"): segment sizes against each
/// surface's minimum, stability against the previous refresh, overlap between segments, holdout balance and the
/// sample-ratio test against the planned split, and composition by country and age band. Memory: 8 bytes per membership
/// and 16 per distinct member, 9 per assigned customer (about 30 while the assignment is read), and one row group of
/// the customers export.
/// </summary>
public static class AudienceValidation
{
    /// <summary>Reads the files and validates the refresh; the report is as it may be released (<see cref="AudienceReleasePolicy"/>).</summary>
    /// <exception cref="ArgumentException">The options have a problem (<see cref="AudienceValidationOptions.Problems"/>).</exception>
    /// <exception cref="ExportValidationException">A file has a problem: a bad members, assignment or customers file, more than 64 segments, or an assignment without the holdout arm.</exception>
    public static async Task<AudienceValidationReport> RunAsync(AudienceValidationInputs inputs, AudienceValidationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new AudienceValidationOptions();
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }
        var members = await ReadMembersAsync(inputs.Members, cancellationToken).ConfigureAwait(false);
        var previous = inputs.Previous is null ? null : await ReadMembersAsync(inputs.Previous, cancellationToken).ConfigureAwait(false);
        AssignmentArms? arms = null;
        int holdout = -1;
        if (inputs.Assignment is { } assignmentPath)
        {
            await using var file = await ExportFile.OpenAsync(assignmentPath, cancellationToken).ConfigureAwait(false);
            arms = await HoldoutAssignmentReader.ReadAsync(file, cancellationToken).ConfigureAwait(false);
            holdout = IndexOf(arms.Arms, options.HoldoutArm);
            if (holdout < 0 || arms.Arms.Count < 2)
            {
                throw ExportValidationException.Single(file.Name, ExportErrorCodes.InvalidValue,
                    $"the arms are {string.Join(", ", arms.Arms)}; balance needs the holdout arm '{options.HoldoutArm}' and at least one other", AssignmentColumns.Arm);
            }
        }
        await using (var file = await ExportFile.OpenAsync(inputs.Customers, cancellationToken).ConfigureAwait(false))
        {
            var extras = options.Covariates.Where(c => !AudienceValidationTally.BuiltIn.Contains(c)).ToArray();
            var reader = CustomerExportReader.Open(file, new CustomerExportOptions { Columns = options.CustomerColumns, Extras = extras });
            var tally = new AudienceValidationTally(members, arms, CovariateIndexes(file.Name, reader, options.Covariates));
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                tally.Add(await reader.ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false), reader);
            }
            return Report(members, previous, arms, holdout, tally, reader, options);
        }
    }

    // Built-in covariates by their index, extra columns as −1 − their index; a text extra column cannot be one.
    private static int[] CovariateIndexes(string file, CustomerExportReader reader, IReadOnlyList<string> covariates)
    {
        var indexes = new int[covariates.Count];
        for (int c = 0; c < covariates.Count; c++)
        {
            int builtIn = IndexOf(AudienceValidationTally.BuiltIn, covariates[c]);
            int extra = IndexOf(reader.Extras, covariates[c]);
            if (builtIn < 0 && (extra < 0 || reader.ExtraCategories[extra] is not null))
            {
                throw ExportValidationException.Single(file, ExportErrorCodes.WrongType,
                    $"balance covariate '{covariates[c]}' is not numeric; give {string.Join(", ", AudienceValidationTally.BuiltIn)} or a numeric column", covariates[c]);
            }
            indexes[c] = builtIn >= 0 ? builtIn : -1 - extra;
        }
        return indexes;
    }

    private static AudienceValidationReport Report(SegmentMembers members, SegmentMembers? previous, AssignmentArms? arms, int holdout,
        AudienceValidationTally tally, CustomerExportReader reader, AudienceValidationOptions options)
    {
        var countries = Groups(reader.Countries.Names);
        var ages = Groups(reader.AgeBands.Names);
        int all = members.Segments.Count;
        var segments = new List<SegmentValidation>(members.Segments.Count);
        for (int s = 0; s < members.Segments.Count; s++)
        {
            var keys = members.Keys[s];
            var stability = previous?.Find(members.Segments[s]) is { } before ? SegmentStability.Of(keys, before) : null;
            var composition = GroupComposition.Of("country", countries, tally.Countries[all].AsSpan(0, countries.Length), tally.Countries[s].AsSpan(0, countries.Length))
                .Concat(GroupComposition.Of("age_band", ages, tally.AgeBands[all].AsSpan(0, ages.Length), tally.AgeBands[s].AsSpan(0, ages.Length))).ToArray();
            segments.Add(new SegmentValidation(members.Segments[s], keys.Length, tally.InCustomers[s], stability,
                options.BalanceBySegment ? Balance(arms, holdout, options.Covariates, tally, s) : null, composition));
        }
        var overlaps = SegmentOverlap.Pairs(members.Segments, members.Keys);
        var balance = Balance(arms, holdout, options.Covariates, tally, all);
        var checks = AudienceValidationChecks.Of(segments, balance, previous, options);
        var report = new AudienceValidationReport(members.Audience, members.AsOf, previous?.AsOf, tally.Customers, options, segments, balance, overlaps, checks);
        return new AudienceReleasePolicy(options.MinimumCustomers).Release(report);
    }

    private static HoldoutBalance? Balance(AssignmentArms? arms, int holdout, IReadOnlyList<string> covariates, AudienceValidationTally tally, int group) =>
        arms is null ? null : HoldoutBalance.Of(tally.Moments![group], arms.Arms, holdout, covariates, tally.ArmCounts![group], arms.Plan?.Shares());

    private static async Task<SegmentMembers> ReadMembersAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = await ExportFile.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        var members = await SegmentMembersReader.ReadAsync(file, null, cancellationToken).ConfigureAwait(false);
        if (members.Segments.Count > AudienceValidationTally.MaxSegments)
        {
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.InvalidValue,
                $"{members.Segments.Count} segments; a refresh is validated with at most {AudienceValidationTally.MaxSegments}", SegmentMembersWriter.SegmentColumn);
        }
        return members;
    }

    private static string[] Groups(IReadOnlyList<string> names)
    {
        var groups = new string[names.Count + 1];
        groups[0] = "(null)";
        for (int i = 0; i < names.Count; i++)
        {
            groups[i + 1] = names[i];
        }
        return groups;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
