using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Runs;

/// <summary>
/// Reads and updates run manifests (<c>runs/{runId}.json</c>) with optimistic concurrency: every update re-reads the
/// manifest and writes it back If-Match its ETag, retrying on conflict, so measurements of one run finishing at once
/// (one invocation per campaign) all land.
/// </summary>
public sealed class RunLedger(IObjectStore store)
{
    private const int MaxAttempts = 20;

    /// <summary>The manifest of <paramref name="runId"/>, or null when the run wrote none.</summary>
    /// <exception cref="FormatException">The stored manifest is unreadable.</exception>
    public async Task<RunManifest?> ReadAsync(RunId runId, CancellationToken cancellationToken = default)
    {
        var path = StoreLayout.RunManifest(runId);
        var content = await store.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return content is null ? null : RunManifest.Parse(content.Content.Span, path);
    }

    /// <summary>
    /// Applies <paramref name="update"/> to the run's manifest, or to <paramref name="create"/> when there is none yet,
    /// and stores the result. Returns what was stored.
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed, or the manifest kept changing for 20 attempts.</exception>
    public async Task<RunManifest> UpdateAsync(RunId runId, Func<RunManifest> create, Func<RunManifest, RunManifest> update, CancellationToken cancellationToken = default)
    {
        var path = StoreLayout.RunManifest(runId);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await store.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            var next = update(current is null ? create() : RunManifest.Parse(current.Content.Span, path));
            if (current is null)
            {
                if (await store.TryCreateAsync(path, next.ToJson(), cancellationToken).ConfigureAwait(false))
                {
                    return next;
                }
                continue;
            }
            try
            {
                await store.WriteAsync(path, next.ToJson(), current.ETag, cancellationToken).ConfigureAwait(false);
                return next;
            }
            catch (ObjectStoreException conflict) when (conflict.Code == ObjectStoreException.PreconditionFailed)
            {
                // Another campaign of the run finished in between: re-read and apply again.
            }
        }
        throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, path, $"gave up after {MaxAttempts} concurrent updates");
    }
}
