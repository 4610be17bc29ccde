using System.Reflection;
using System.Security.Cryptography;
using LiftPipeline.Ingestion;
using LiftPipeline.Statistics;

namespace LiftPipeline.Pipeline.Runs;

/// <summary>
/// The version of the code that turns exports into numbers: a hash of the module version ids of the statistics, ingestion
/// and pipeline assemblies. Builds are deterministic, so the same source gives the same version and any change to those
/// assemblies gives a new one. Stored results (measurements, designs, shard statistics) record it and are reused only
/// when it matches, so a deployment that changes an answer never serves an old one.
/// </summary>
public static class EngineVersion
{
    /// <summary>The version of the running code: 16 lower-case hex digits.</summary>
    public static string Current { get; } = Compute(typeof(MeasurementNotPossibleException).Assembly, typeof(ExportFile).Assembly, typeof(EngineVersion).Assembly);

    private static string Compute(params Assembly[] assemblies)
    {
        var ids = new byte[16 * assemblies.Length];
        for (int i = 0; i < assemblies.Length; i++)
        {
            assemblies[i].ManifestModule.ModuleVersionId.TryWriteBytes(ids.AsSpan(16 * i, 16));
        }
        return Convert.ToHexStringLower(SHA256.HashData(ids))[..16];
    }
}
