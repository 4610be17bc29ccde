using System.Globalization;
using System.Text;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// Writes an audience's activation files: for each member of the audience in a customers export, one CSV row per surface
/// with the SHA-256 of the normalised email and phone (<see cref="ContactHashing"/>), at
/// <c>{folder}/{audience}/{surface}/{date}.csv</c>. No raw contact is written anywhere. A surface with fewer customers
/// than its minimum gets no CSV but <c>{date}.suppressed.txt</c> with the reason. Files appear whole or not at all.
/// </summary>
public static class ActivationExporter
{
    /// <summary>Exports the members of <paramref name="members"/> found in <paramref name="customers"/> (opened with contacts read).</summary>
    /// <exception cref="ArgumentException">The audience name is not <c>[a-z0-9-]{1,64}</c>, no surface is given, or the export was opened without contacts.</exception>
    /// <exception cref="Ingestion.ExportValidationException">The customers export has a problem (read as it streams).</exception>
    public static async Task<ActivationSummary> ExportAsync(CustomerExportReader customers, ICustomerSet members, ActivationOptions options, string folder,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(folder);
        if (!ObjectName.IsCampaignId(options.Audience))
        {
            throw new ArgumentException($"audience '{options.Audience}' is not a name of 1 to 64 lower-case letters, digits and dashes");
        }
        if (options.Surfaces.Count == 0)
        {
            throw new ArgumentException("name at least one surface (meta, google, tiktok)");
        }
        if (!customers.HasEmail && !customers.HasPhone)
        {
            throw new ArgumentException("the customers export has no email or phone column (or was opened without reading contacts): nothing to activate");
        }
        string date = options.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var outputs = options.Surfaces.Select(s => new SurfaceFile(s, Path.Combine(folder, options.Audience, s.Name), date)).ToArray();
        try
        {
            var counts = await WriteRowsAsync(customers, members, options, outputs, cancellationToken).ConfigureAwait(false);
            var results = new List<SurfaceActivation>(outputs.Length);
            foreach (var output in outputs)
            {
                results.Add(await output.CommitAsync().ConfigureAwait(false));
            }
            return counts with { Surfaces = results };
        }
        finally
        {
            foreach (var output in outputs)
            {
                await output.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<ActivationSummary> WriteRowsAsync(CustomerExportReader customers, ICustomerSet members, ActivationOptions options, SurfaceFile[] outputs,
        CancellationToken cancellationToken)
    {
        var row = new ContactRow(Encoding.ASCII.GetBytes(options.DefaultCountryCode));
        long read = 0, member = 0, withoutContact = 0, invalidEmails = 0, invalidPhones = 0;
        bool digits = outputs.Any(o => o.Surface.Phones == PhoneFormat.Digits);
        bool e164 = outputs.Any(o => o.Surface.Phones == PhoneFormat.E164);
        for (int g = 0; g < customers.RowGroupCount; g++)
        {
            var batch = await customers.ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
            read += batch.Count;
            for (int i = 0; i < batch.Count; i++)
            {
                if (!members.Contains(row.Id(batch, i)))
                {
                    continue;
                }
                member++;
                var (email, phone) = row.Hash(batch, i, digits, e164);
                invalidEmails += email == ContactState.Invalid ? 1 : 0;
                invalidPhones += phone == ContactState.Invalid ? 1 : 0;
                if (email != ContactState.Hashed && phone != ContactState.Hashed)
                {
                    withoutContact++;
                    continue;
                }
                foreach (var output in outputs)
                {
                    output.Write(row, email == ContactState.Hashed, phone == ContactState.Hashed);
                }
            }
        }
        return new ActivationSummary(read, member, withoutContact, invalidEmails, invalidPhones, []);
    }

    /// <summary>Scratch buffers for one customer's id, normalised contacts and their hashes.</summary>
    internal sealed class ContactRow(byte[] defaultCountryCode)
    {
        private readonly byte[] _id = new byte[24];
        private readonly byte[] _normalised = new byte[1024];
        private readonly byte[] _phone = new byte[ContactHashing.MaxPhoneDigits + 1];

        public byte[] EmailHex { get; } = new byte[ContactHashing.HexLength];
        public byte[] DigitsHex { get; } = new byte[ContactHashing.HexLength];
        public byte[] E164Hex { get; } = new byte[ContactHashing.HexLength];

        public ReadOnlySpan<byte> Id(CustomerBatch batch, int row) =>
            batch.HasTextIds ? batch.TextIds[row].Span : _id.AsSpan(0, batch.WriteId(row, _id));

        public (ContactState Email, ContactState Phone) Hash(CustomerBatch batch, int row, bool digits, bool e164)
        {
            var email = ContactState.Missing;
            var rawEmail = batch.Emails.IsEmpty ? default : batch.Emails[row].Span;
            if (!rawEmail.Trim(" \t\r\n\f\v"u8).IsEmpty)
            {
                int length = ContactHashing.NormaliseEmail(rawEmail, _normalised);
                email = length < 0 ? ContactState.Invalid : ContactState.Hashed;
                if (length >= 0)
                {
                    ContactHashing.Sha256Hex(_normalised.AsSpan(0, length), EmailHex);
                }
            }
            var phone = ContactState.Missing;
            var rawPhone = batch.Phones.IsEmpty ? default : batch.Phones[row].Span;
            if (!rawPhone.Trim(" \t\r\n\f\v"u8).IsEmpty)
            {
                int length = ContactHashing.NormalisePhone(rawPhone, defaultCountryCode, _phone.AsSpan(1));
                phone = length < 0 ? ContactState.Invalid : ContactState.Hashed;
                if (length >= 0)
                {
                    _phone[0] = (byte)'+';
                    if (digits)
                    {
                        ContactHashing.Sha256Hex(_phone.AsSpan(1, length), DigitsHex);
                    }
                    if (e164)
                    {
                        ContactHashing.Sha256Hex(_phone.AsSpan(0, length + 1), E164Hex);
                    }
                }
            }
            return (email, phone);
        }
    }

    /// <summary>Whether a contact was absent, unusable, or hashed.</summary>
    internal enum ContactState
    {
        Missing,
        Invalid,
        Hashed,
    }

    /// <summary>One surface's CSV, written to a partial file and moved into place (or replaced by a suppression note) at the end.</summary>
    private sealed class SurfaceFile : IAsyncDisposable
    {
        private readonly string _folder;
        private readonly string _date;
        private readonly string _partial;
        private readonly FileStream _stream;
        private readonly byte[] _line = new byte[2 * ContactHashing.HexLength + 2];
        private long _rows, _emails, _phones;

        public SurfaceFile(ActivationSurface surface, string folder, string date)
        {
            Surface = surface;
            _folder = folder;
            _date = date;
            Directory.CreateDirectory(folder);
            _partial = Path.Combine(folder, $"{date}.csv.partial");
            _stream = new FileStream(_partial, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
            _stream.Write(Encoding.ASCII.GetBytes($"{surface.EmailHeader},{surface.PhoneHeader}\n"));
        }

        public ActivationSurface Surface { get; }

        public void Write(ContactRow row, bool email, bool phone)
        {
            int n = 0;
            if (email)
            {
                row.EmailHex.CopyTo(_line, 0);
                n = ContactHashing.HexLength;
                _emails++;
            }
            _line[n++] = (byte)',';
            if (phone)
            {
                (Surface.Phones == PhoneFormat.E164 ? row.E164Hex : row.DigitsHex).CopyTo(_line, n);
                n += ContactHashing.HexLength;
                _phones++;
            }
            _line[n++] = (byte)'\n';
            _stream.Write(_line, 0, n);
            _rows++;
        }

        public async Task<SurfaceActivation> CommitAsync()
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            string csv = Path.Combine(_folder, $"{_date}.csv");
            string note = Path.Combine(_folder, $"{_date}.suppressed.txt");
            if (_rows < Surface.Minimum)
            {
                File.Delete(_partial);
                File.Delete(csv);
                string reason = $"suppressed: {_rows:N0} customers with a usable email or phone, below {Surface.Title}'s minimum of {Surface.Minimum:N0}";
                await File.WriteAllTextAsync(note, reason + "\n").ConfigureAwait(false);
                return new SurfaceActivation(Surface, _rows, _emails, _phones, null, reason);
            }
            File.Move(_partial, csv, overwrite: true);
            File.Delete(note);
            return new SurfaceActivation(Surface, _rows, _emails, _phones, csv, null);
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            if (File.Exists(_partial))
            {
                File.Delete(_partial);
            }
        }
    }
}

/// <summary>What to export: the audience, the refresh date in the file names, the surfaces and the country code of national phones.</summary>
/// <param name="Audience">The audience name, <c>[a-z0-9-]{1,64}</c>: a folder name.</param>
/// <param name="Date">The refresh date, <c>{date}.csv</c>.</param>
/// <param name="Surfaces">The surfaces to write.</param>
/// <param name="DefaultCountryCode">Calling code (digits, e.g. <c>49</c>) for phones without <c>+</c> or <c>00</c>; empty: such phones are unusable.</param>
public sealed record ActivationOptions(string Audience, DateOnly Date, IReadOnlyList<ActivationSurface> Surfaces, string DefaultCountryCode = "");

/// <summary>One surface's result: customers written (with an email, with a phone), the file, or why it was suppressed.</summary>
/// <param name="Surface">The surface.</param>
/// <param name="Customers">Customers with a usable email or phone.</param>
/// <param name="Emails">Of them, with a hashed email.</param>
/// <param name="Phones">Of them, with a hashed phone.</param>
/// <param name="Path">The CSV written, or null when suppressed.</param>
/// <param name="SuppressedReason">Why no CSV was written, or null.</param>
public sealed record SurfaceActivation(ActivationSurface Surface, long Customers, long Emails, long Phones, string? Path, string? SuppressedReason);

/// <summary>An activation export's counts: customers read, members found, members without a usable contact, unusable emails and phones, and each surface.</summary>
/// <param name="CustomersRead">Rows of the customers export.</param>
/// <param name="Members">Of them, members of the audience.</param>
/// <param name="WithoutContact">Members with neither a usable email nor phone (not written).</param>
/// <param name="InvalidEmails">Members whose email is not an address.</param>
/// <param name="InvalidPhones">Members whose phone is not a number (or has no country code and none was given).</param>
/// <param name="Surfaces">Each surface's result.</param>
public sealed record ActivationSummary(long CustomersRead, long Members, long WithoutContact, long InvalidEmails, long InvalidPhones, IReadOnlyList<SurfaceActivation> Surfaces);
