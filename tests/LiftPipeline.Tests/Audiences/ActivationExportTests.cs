using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Pipeline.Audiences;
using LiftPipeline.Statistics.Audiences;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// Activation exports: the issue's hash vectors exactly, the phone and email normalisation rules, and the CSVs of a
/// simulated audience checked row by row against DuckDB's own <c>sha256</c> of the normalised contacts, with the holdout
/// never activated, no raw contact written, and a surface below its minimum suppressed with the reason.
/// </summary>
public sealed class ActivationExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("activation-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_issues_vectors_hash_exactly()
    {
        Assert.Equal("836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f", ContactHashing.HashEmail("  John.Doe@Example.COM "));
        Assert.Equal("bf2477365f332bd9914846c602c1bb7d8d8e3dc5bbf09bc7d0ae0477b5faa4eb", ContactHashing.HashPhone("+1 (650) 555-0101", ActivationSurface.Meta.Phones));
        Assert.Equal("17f7a307c4808801381bb6af259a7f59ae92f63346316e5032c6e2939363881f", ContactHashing.HashPhone("+1 (650) 555-0101", ActivationSurface.Google.Phones));
    }

    [Theory]
    [InlineData("+1 (650) 555-0101", "", "16505550101")]
    [InlineData("001 650 555 0101", "", "16505550101")]
    [InlineData("0151 2345678", "49", "491512345678")]
    [InlineData("151/2345678", "49", "491512345678")]
    [InlineData("0151 2345678", "", null)]
    [InlineData("+49 151 2345678 ext 2", "", null)]
    [InlineData("+1 555", "", null)]
    [InlineData("+1234567890123456", "", null)]
    public void Phones_normalise_to_digits_with_their_country_code(string raw, string countryCode, string? expected)
    {
        var digits = new byte[ContactHashing.MaxPhoneDigits];
        int length = ContactHashing.NormalisePhone(System.Text.Encoding.UTF8.GetBytes(raw), System.Text.Encoding.ASCII.GetBytes(countryCode), digits);

        Assert.Equal(expected, length < 0 ? null : System.Text.Encoding.ASCII.GetString(digits, 0, length));
    }

    [Theory]
    [InlineData(" \tAna.Lopez@Mail.EXAMPLE \n", "ana.lopez@mail.example")]
    [InlineData("zoë@example.com", "zoë@example.com")]
    [InlineData("no-at-sign.example.com", null)]
    [InlineData("two@at@example.com", null)]
    [InlineData("inner space@example.com", null)]
    [InlineData("@example.com", null)]
    public void Emails_are_trimmed_and_lower_cased_or_refused(string raw, string? expected)
    {
        var normalised = new byte[64];
        int length = ContactHashing.NormaliseEmail(System.Text.Encoding.UTF8.GetBytes(raw), normalised);

        Assert.Equal(expected, length < 0 ? null : System.Text.Encoding.UTF8.GetString(normalised, 0, length));
    }

    [Fact]
    public async Task Each_surface_gets_the_hashes_duckdb_computes_for_the_treated_members_only()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(2_000), rowGroupSize: 700);
        string members = Path.Combine(_folder, "assignment.parquet");
        await using (var file = await ExportFile.OpenAsync(customers))
        await using (var output = File.Create(members))
        {
            var assigner = new HoldoutAssigner("bargain-hunters", "spring-2026", BucketAllocation.FromShares([new("holdout", 0.3), new("vbo_1p", 0.7)]));
            await HoldoutAssignmentWriter.WriteAsync(CustomerExportReader.Open(file, new CustomerExportOptions { IdsOnly = true }), assigner, output);
        }

        var summary = await ExportAsync(customers, members, ActivationSurface.All);

        // DuckDB's answer from the definition: treated members with an email or phone; email trimmed and lower-cased, phone's digits.
        string expected = $"""
            SELECT CASE WHEN c.email IS NULL THEN '' ELSE sha256(lower(trim(c.email))) END AS email,
                   CASE WHEN c.phone IS NULL THEN '' ELSE sha256(PREFIX || regexp_replace(c.phone, '[^0-9]', '', 'g')) END AS phone
            FROM '{customers}' c JOIN '{members}' m USING (customer_id)
            WHERE m.arm <> 'holdout' AND (c.email IS NOT NULL OR c.phone IS NOT NULL)
            ORDER BY 1, 2
            """;
        var meta = Lines(summary, "meta");
        var google = Lines(summary, "google");
        Assert.Equal("email,phone", meta[0]);
        Assert.Equal("Email,Phone", google[0]);
        Assert.Equal(Csv(expected.Replace("PREFIX", "''", StringComparison.Ordinal)), meta.Skip(1).Order(StringComparer.Ordinal));
        Assert.Equal(Csv(expected.Replace("PREFIX", "'+'", StringComparison.Ordinal)), google.Skip(1).Order(StringComparer.Ordinal));
        Assert.Equal(meta.Count - 1, summary.Surfaces[0].Customers);
        Assert.InRange(meta.Count - 1, 1_200, 1_600);
        Assert.Equal(0, summary.InvalidEmails + summary.InvalidPhones);
        Assert.Equal(2_000, summary.CustomersRead);
    }

    [Fact]
    public async Task A_surface_below_its_minimum_is_suppressed_with_the_reason_and_no_raw_contact_is_written()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(600));
        string members = CustomerExportKit.Write(_folder, "members.parquet", $"SELECT customer_id FROM ({CustomerExportKit.Rows(600)})");

        var summary = await ExportAsync(customers, members, ActivationSurface.All);

        var tiktok = summary.Surfaces.Single(s => s.Surface == ActivationSurface.TikTok);
        Assert.Null(tiktok.Path);
        Assert.Equal(tiktok.Customers, summary.Members - summary.WithoutContact);
        Assert.Equal($"suppressed: {tiktok.Customers:N0} customers with a usable email or phone, below TikTok's minimum of 1,000", tiktok.SuppressedReason);
        string folder = Path.Combine(_folder, "out", "bargain-hunters", "tiktok");
        Assert.Equal(["2026-07-01.suppressed.txt"], Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.NotNull(summary.Surfaces.Single(s => s.Surface == ActivationSurface.Meta).Path);
        foreach (var path in Directory.GetFiles(Path.Combine(_folder, "out"), "*", SearchOption.AllDirectories))
        {
            string text = File.ReadAllText(path);
            Assert.DoesNotContain("@", text, StringComparison.Ordinal);
            Assert.DoesNotContain("+49", text, StringComparison.Ordinal);
            Assert.DoesNotContain("(151)", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_export_without_contacts_cannot_be_activated()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", $"SELECT * EXCLUDE (email, phone) FROM ({CustomerExportKit.Rows(50)})");
        string members = CustomerExportKit.Write(_folder, "members.parquet", $"SELECT customer_id FROM ({CustomerExportKit.Rows(50)})");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ExportAsync(customers, members, ActivationSurface.All));

        Assert.Contains("no email or phone column", error.Message, StringComparison.Ordinal);
    }

    private async Task<ActivationSummary> ExportAsync(string customers, string members, IReadOnlyList<ActivationSurface> surfaces)
    {
        await using var memberFile = await ExportFile.OpenAsync(members);
        var audience = await AudienceMembers.ReadAsync(memberFile, new HashSet<string> { "holdout" });
        await using var file = await ExportFile.OpenAsync(customers);
        var reader = CustomerExportReader.Open(file, new CustomerExportOptions { IdsOnly = true, ReadContacts = true });
        return await ActivationExporter.ExportAsync(reader, audience, new ActivationOptions("bargain-hunters", new DateOnly(2026, 7, 1), surfaces), Path.Combine(_folder, "out"));
    }

    private static List<string> Lines(ActivationSummary summary, string surface) =>
        File.ReadAllLines(summary.Surfaces.Single(s => s.Surface.Name == surface).Path!).ToList();

    private static IEnumerable<string> Csv(string sql) =>
        CustomerExportKit.Query(sql).Select(r => $"{r[0]},{r[1]}").Order(StringComparer.Ordinal);
}
