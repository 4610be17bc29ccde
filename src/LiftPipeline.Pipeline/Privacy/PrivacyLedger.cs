using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Decisions.Privacy;

namespace LiftPipeline.Pipeline.Privacy;

/// <summary>One charge of a run's release: the run, what was released (breakdown/quantity) and its ρ.</summary>
/// <param name="Run">The run id.</param>
/// <param name="What">The released table, e.g. <c>segment/revenue.sum</c>.</param>
/// <param name="Rho">Its zCDP cost ρ.</param>
public readonly record struct LedgerCharge(string Run, string What, double Rho);

/// <summary>
/// A campaign's privacy budget as stored at <c>privacy/{campaign}.json</c>: the charges of every run that released an
/// aggregate table (the <see cref="PrivacyBudget"/> is rebuilt from them against the configured budget), the runs
/// refused for want of budget, and the id of the alert that said so. Immutable.
/// </summary>
/// <param name="Charges">Every charge, oldest first.</param>
/// <param name="Refused">The runs refused, oldest first.</param>
/// <param name="Alert">The id of the <c>privacy</c> alert raised for the current budget; null when none.</param>
/// <param name="ETag">The stored version (null when not stored yet), for a conditional write.</param>
public sealed record PrivacyLedger(IReadOnlyList<LedgerCharge> Charges, IReadOnlyList<string> Refused, string? Alert, string? ETag)
{
    /// <summary>Whether <paramref name="run"/> has been charged (and so releases again without a new charge).</summary>
    public bool Charged(string run) => Charges.Any(c => c.Run == run);

    /// <summary>
    /// The budget of ρ with every charge so far. Charges that no longer fit (the budget was lowered) are all still
    /// counted: the budget becomes what was spent, so nothing more is released.
    /// </summary>
    public PrivacyBudget Budget(string campaign, double rho)
    {
        double spent = Charges.Sum(c => c.Rho);
        var budget = PrivacyBudget.OfRho(campaign, Math.Max(rho, spent));
        foreach (var c in Charges)
        {
            budget = budget.Spend($"{c.Run}:{c.What}", c.Rho);
        }
        return budget;
    }

    /// <summary>ρ spent up to and including <paramref name="run"/>'s last charge: what a run's report states, the same when it is reprocessed later.</summary>
    public double SpentThrough(string run)
    {
        int last = -1;
        for (int i = 0; i < Charges.Count; i++)
        {
            last = Charges[i].Run == run ? i : last;
        }
        double spent = 0;
        for (int i = 0; i <= last; i++)
        {
            spent += Charges[i].Rho;
        }
        return spent;
    }

    /// <summary>The stored ledger of <paramref name="campaign"/>, or an empty one.</summary>
    /// <exception cref="ObjectStoreException">The store failed, or the stored ledger is not the JSON this class writes (<see cref="ObjectStoreException.Corrupt"/>).</exception>
    public static async Task<PrivacyLedger> ReadAsync(IObjectStore store, CampaignId campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        string name = StoreLayout.PrivacyBudget(campaign);
        if (await store.ReadAsync(name, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return new PrivacyLedger([], [], null, null);
        }
        try
        {
            using var document = JsonDocument.Parse(stored.Content);
            var root = document.RootElement;
            var charges = root.GetProperty("charges").EnumerateArray()
                .Select(c => new LedgerCharge(c.GetProperty("run").GetString()!, c.GetProperty("what").GetString()!, c.GetProperty("rho").GetDouble())).ToList();
            var refused = root.GetProperty("refused").EnumerateArray().Select(r => r.GetString()!).ToList();
            string? alert = root.TryGetProperty("alert", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            return new PrivacyLedger(charges, refused, alert, stored.ETag);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // The ledger is what stands between the campaign and releasing past its budget: never guess, stop and say so.
            throw new ObjectStoreException(ObjectStoreException.Corrupt, name,
                $"the privacy ledger is not the JSON the pipeline writes ({e.Message}); restore it from a backup before releasing more aggregates.", e);
        }
    }

    /// <summary>Stores the ledger with the budget's totals (conditional on the version read).</summary>
    /// <exception cref="ObjectStoreException">The store failed, or the ledger changed since it was read.</exception>
    public async Task WriteAsync(IObjectStore store, CampaignId campaign, double budgetRho, double delta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        string name = StoreLayout.PrivacyBudget(campaign);
        byte[] json = ToJson(campaign.Value, budgetRho, delta);
        if (ETag is not null)
        {
            await store.WriteAsync(name, json, ETag, cancellationToken).ConfigureAwait(false);
        }
        else if (!await store.TryCreateAsync(name, json, cancellationToken).ConfigureAwait(false))
        {
            // Another measurement created the ledger since it was read empty: fail, so the run is retried against it.
            throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, name, $"{name} was created by another run while this one charged it; retry the run.");
        }
    }

    /// <summary>
    /// The stored JSON: campaign, the budget's ρ and the δ its ε is read at, spent and remaining ρ, the ε of what was
    /// spent and of the whole budget at that δ (<see cref="ZeroConcentratedPrivacy.Epsilon"/>), the charges, the refused
    /// runs and the alert id.
    /// </summary>
    public byte[] ToJson(string campaign, double budgetRho, double delta)
    {
        var budget = Budget(campaign, budgetRho);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            w.WriteStartObject();
            w.WriteString("campaign", campaign);
            w.WriteNumber("rho", budget.Rho);
            w.WriteNumber("delta", delta);
            w.WriteNumber("epsilon", ZeroConcentratedPrivacy.Epsilon(budget.Rho, delta));
            w.WriteNumber("spentRho", budget.SpentRho);
            w.WriteNumber("remainingRho", budget.RemainingRho);
            w.WriteNumber("spentEpsilon", budget.SpentEpsilon(delta));
            w.WriteStartArray("charges");
            foreach (var c in Charges)
            {
                w.WriteStartObject();
                w.WriteString("run", c.Run);
                w.WriteString("what", c.What);
                w.WriteNumber("rho", c.Rho);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("refused");
            foreach (var r in Refused)
            {
                w.WriteStringValue(r);
            }
            w.WriteEndArray();
            if (Alert is not null)
            {
                w.WriteString("alert", Alert);
            }
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
