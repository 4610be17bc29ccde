using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// Checks a holdout's export rows against its assignment (<see cref="AssignmentIndex"/>), one export (shard) at a time,
/// into an <see cref="AssignmentAgreement"/>: rows in another arm than assigned, rows of unassigned customers, and
/// customers assigned to the control arm whom the export flags exposed. Streams row groups; memory is the index and one
/// row group. Not thread-safe.
/// </summary>
/// <param name="assignment">The assignment.</param>
/// <param name="controlArm">The holdout (control) arm's name, as the assignment and exports spell it.</param>
public sealed class AssignmentAudit(AssignmentIndex assignment, string controlArm)
{
    private readonly List<string> _wrongArm = [], _notAssigned = [], _holdoutExposed = [];
    private long _customers, _wrong, _unassigned, _holdout, _exposed;
    private readonly int _control = assignment.ArmIndexOf(controlArm);

    /// <summary>Checks every row of <paramref name="export"/> (columns found through <paramref name="columns"/>).</summary>
    /// <exception cref="ExportValidationException">The export lacks a customer id or arm column.</exception>
    public async Task AddAsync(ExportFile export, ColumnMapping columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(columns);
        var rows = CustomerArmRows.Open(export, columns, readExposure: true);
        var toAssigned = new List<int>();
        for (int g = 0; g < export.RowGroupCount; g++)
        {
            await rows.ReadAsync(g, cancellationToken).ConfigureAwait(false);
            // Export arm code → assignment arm index (−1: an arm the assignment does not have), extended as new arms appear.
            for (int a = toAssigned.Count; a < rows.Arms.Count; a++)
            {
                toAssigned.Add(assignment.ArmIndexOf(rows.Arms.Names[a]));
            }
            Tally(rows, toAssigned);
        }
    }

    private void Tally(CustomerArmRows rows, List<int> toAssigned)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            int assigned = rows.KindOf(i) switch
            {
                CustomerArmRows.IdKind.Text => assignment.ArmOf(rows.TextId(i)),
                CustomerArmRows.IdKind.Integer => assignment.ArmOf(rows.IntegerId(i)),
                _ => int.MinValue,
            };
            if (assigned == int.MinValue)
            {
                continue;
            }
            _customers++;
            if (assigned < 0)
            {
                Count(ref _unassigned, _notAssigned, rows, i);
                continue;
            }
            if (toAssigned[rows.ArmOf(i)] != assigned)
            {
                Count(ref _wrong, _wrongArm, rows, i);
            }
            if (assigned == _control)
            {
                _holdout++;
                if (rows.IsExposed(i))
                {
                    Count(ref _exposed, _holdoutExposed, rows, i);
                }
            }
        }
    }

    private static void Count(ref long counter, List<string> examples, CustomerArmRows rows, int row)
    {
        counter++;
        if (examples.Count < AssignmentAgreement.ExampleCount)
        {
            examples.Add(rows.IdText(row));
        }
    }

    /// <summary>The agreement of every row added so far.</summary>
    public AssignmentAgreement Result => new(_customers, _wrong, _unassigned, _holdout, _exposed, [.. _wrongArm], [.. _notAssigned], [.. _holdoutExposed]);
}
