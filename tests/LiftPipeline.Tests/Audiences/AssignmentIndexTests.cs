using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using static LiftPipeline.Tests.Experiments.ExperimentExportKit;

namespace LiftPipeline.Tests.Audiences;

/// <summary>A holdout's arms read from its exports when one export has integer ids and the next text ids.</summary>
public sealed class AssignmentIndexTests
{
    [Fact]
    public async Task Exports_that_mix_integer_and_text_ids_answer_lookups_of_both()
    {
        using var dir = TestData.TempDirectory();
        string integers = Path.Combine(dir.FullName, "a.parquet"), texts = Path.Combine(dir.FullName, "b.parquet");
        Write(integers, "SELECT i::BIGINT AS customer_id, CASE WHEN i % 2 = 0 THEN 'holdout' ELSE 'vbo' END AS arm FROM range(10) t(i)", 100);
        Write(texts, "SELECT 'c' || i AS customer_id, CASE WHEN i % 2 = 0 THEN 'vbo' ELSE 'holdout' END AS arm FROM range(10) t(i)", 100);

        var index = await AssignmentIndex.FromExportsAsync([ct => ExportFile.OpenAsync(integers, ct), ct => ExportFile.OpenAsync(texts, ct)], ColumnMapping.Default);

        Assert.Equal(20, index.Count);
        Assert.Equal(index.ArmIndexOf("holdout"), index.ArmOf(4L));
        Assert.Equal(index.ArmIndexOf("vbo"), index.ArmOf("7"u8));
        Assert.Equal(index.ArmIndexOf("vbo"), index.ArmOf("c4"u8));
        Assert.Equal(index.ArmIndexOf("holdout"), index.ArmOf("c7"u8));
        Assert.Equal(-1, index.ArmOf(42L));
        Assert.Equal(-1, index.ArmOf("c42"u8));
    }
}
