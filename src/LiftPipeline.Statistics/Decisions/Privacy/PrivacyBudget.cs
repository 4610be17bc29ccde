using System.Collections.Immutable;

namespace LiftPipeline.Statistics.Decisions.Privacy;

/// <summary>One release charged to a budget: what was released and its zCDP cost ρ.</summary>
/// <param name="Release">The release's name (e.g. the run id and the aggregate).</param>
/// <param name="Rho">Its cost ρ.</param>
public readonly record struct PrivacyCharge(string Release, double Rho);

/// <summary>
/// A campaign's privacy budget in zCDP, kept across nightly releases. Costs compose by addition (Bun and Steinke 2016,
/// Lemma 2.3), so the spent ρ is the sum of the charges. Immutable: <c>Spend</c> returns the next budget, which
/// the caller stores; a release that would exceed the budget is refused.
/// </summary>
public sealed class PrivacyBudget
{
    private PrivacyBudget(string campaign, double rho, ImmutableArray<PrivacyCharge> charges, double spent)
    {
        Campaign = campaign;
        Rho = rho;
        Charges = charges;
        SpentRho = spent;
    }

    /// <summary>The campaign the budget belongs to.</summary>
    public string Campaign { get; }

    /// <summary>The total budget ρ.</summary>
    public double Rho { get; }

    /// <summary>The releases charged so far, oldest first.</summary>
    public ImmutableArray<PrivacyCharge> Charges { get; }

    /// <summary>The ρ spent: the sum of the charges.</summary>
    public double SpentRho { get; }

    /// <summary>The ρ left, never below 0.</summary>
    public double RemainingRho => Math.Max(0, Rho - SpentRho);

    /// <summary>A fresh budget of ρ for a campaign.</summary>
    /// <exception cref="ArgumentOutOfRangeException">ρ not finite and positive.</exception>
    public static PrivacyBudget OfRho(string campaign, double rho)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaign);
        NoiseMechanism.RequirePositive(rho, nameof(rho));
        return new(campaign, rho, [], 0);
    }

    /// <summary>A fresh budget that spent in full is (ε, δ)-DP by <see cref="ZeroConcentratedPrivacy.Epsilon"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">ε not finite and positive, δ outside (0, 1).</exception>
    public static PrivacyBudget OfEpsilon(string campaign, double epsilon, double delta) =>
        OfRho(campaign, ZeroConcentratedPrivacy.RhoForEpsilon(epsilon, delta));

    /// <summary>Whether a release costing ρ fits in what is left (with a relative 1e-12 allowance for rounding).</summary>
    public bool CanAfford(double rho) => rho >= 0 && SpentRho + rho <= Rho * (1 + 1e-12);

    /// <summary>The budget after charging a release of the given mechanism.</summary>
    /// <exception cref="PrivacyBudgetExceededException">The release would exceed the budget.</exception>
    public PrivacyBudget Spend(string release, NoiseMechanism mechanism)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        return Spend(release, mechanism.Rho);
    }

    /// <summary>The budget after charging a release that costs ρ.</summary>
    /// <exception cref="ArgumentOutOfRangeException">ρ negative or not finite.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The release would exceed the budget.</exception>
    public PrivacyBudget Spend(string release, double rho)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(release);
        if (!(rho >= 0 && double.IsFinite(rho)))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "A release's cost rho must be finite and not negative.");
        }
        if (!CanAfford(rho))
        {
            throw new PrivacyBudgetExceededException(Campaign, release, rho, RemainingRho);
        }
        return new(Campaign, Rho, Charges.Add(new(release, rho)), SpentRho + rho);
    }

    /// <summary>The ε at δ of everything released so far (0 before the first release).</summary>
    public double SpentEpsilon(double delta) => ZeroConcentratedPrivacy.Epsilon(SpentRho, delta);

    /// <summary>
    /// The ε at δ still available: the ε of the whole budget minus the ε already spent. ε is not additive under zCDP,
    /// so this is a reading aid; decisions use <see cref="RemainingRho"/>.
    /// </summary>
    public double RemainingEpsilon(double delta) => ZeroConcentratedPrivacy.Epsilon(Rho, delta) - SpentEpsilon(delta);
}

/// <summary>A release was refused because its privacy cost exceeds what is left of the campaign's budget.</summary>
public sealed class PrivacyBudgetExceededException : Exception
{
    /// <summary>The refusal of <paramref name="release"/> in <paramref name="campaign"/>.</summary>
    public PrivacyBudgetExceededException(string campaign, string release, double rho, double remaining)
        : base($"Campaign '{campaign}': release '{release}' costs rho = {rho:G6} but only {remaining:G6} of the privacy budget is left. "
            + "Release it with more noise (a larger sigma), release fewer aggregates, or raise the campaign's budget.")
    {
        Campaign = campaign;
        Release = release;
    }

    /// <summary>The campaign whose budget is exhausted.</summary>
    public string Campaign { get; }

    /// <summary>The refused release.</summary>
    public string Release { get; }
}
