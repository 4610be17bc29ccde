using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Storage;

namespace LiftPipeline.Tests.Faults;

/// <summary>A store whose reads of one object fail with an <see cref="IOException"/>, as a disk or network that went away would.</summary>
internal sealed class FailingReadStore(IObjectStore inner, string failing) : ForwardingStore(inner)
{
    public override Task<ObjectContent?> ReadAsync(string name, CancellationToken cancellationToken = default) =>
        name == failing ? throw new IOException("the disk went away") : Inner.ReadAsync(name, cancellationToken);

    public override Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        name == failing ? throw new IOException("the disk went away") : Inner.OpenReadAsync(name, cancellationToken);
}
