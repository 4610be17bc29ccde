using System.Security.Cryptography;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Privacy;

/// <summary>
/// A campaign's secret noise key, <c>privacy/{campaign}.key</c>: 32 bytes from the operating system's cryptographic
/// generator, created once (a concurrent first run reads the key the other created). It keys <see cref="KeyedNoiseSource"/>
/// and stays in the store: whoever holds it can remove the noise from every released table of the campaign.
/// </summary>
internal static class NoiseKey
{
    private const int Length = 32;

    /// <summary>The campaign's key, created when it has none.</summary>
    /// <exception cref="ObjectStoreException">The store failed, or the stored key is not 32 bytes.</exception>
    public static async Task<byte[]> GetOrCreateAsync(IObjectStore store, CampaignId campaign, CancellationToken cancellationToken)
    {
        string name = StoreLayout.PrivacyNoiseKey(campaign);
        if (await store.ReadAsync(name, cancellationToken).ConfigureAwait(false) is null)
        {
            await store.TryCreateAsync(name, RandomNumberGenerator.GetBytes(Length), cancellationToken).ConfigureAwait(false);
        }
        var stored = await store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.Content.Length != Length)
        {
            throw new ObjectStoreException(ObjectStoreException.Corrupt, name, $"the noise key is {(stored is null ? "missing" : $"{stored.Content.Length} bytes")}; it must be {Length} bytes. Restore it; a new key would make reprocessed runs release different noise.");
        }
        return stored.Content.ToArray();
    }
}
