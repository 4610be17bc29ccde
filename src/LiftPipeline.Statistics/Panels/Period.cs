using System.Globalization;

namespace LiftPipeline.Statistics.Panels;

/// <summary>What a period value counts: plain integers (weeks, test days), calendar dates, or instants.</summary>
public enum PeriodKind
{
    Integer,
    Date,
    Timestamp,
}

/// <summary>
/// One period of a panel. <see cref="Value"/> is the integer itself, days since 1970-01-01 for dates,
/// or microseconds since 1970-01-01T00:00Z for timestamps. Periods of one kind order by value.
/// </summary>
public readonly record struct Period(PeriodKind Kind, long Value) : IComparable<Period>
{
    private const long MicrosPerDay = 86_400_000_000;
    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>Days since 1970-01-01 that <see cref="DateOnly"/> can represent.</summary>
    public static long MinDay { get; } = DateOnly.MinValue.DayNumber - EpochDayNumber;

    /// <inheritdoc cref="MinDay"/>
    public static long MaxDay { get; } = DateOnly.MaxValue.DayNumber - EpochDayNumber;

    /// <summary>The values a period of <paramref name="kind"/> may take: dates and instants within years 1–9999.</summary>
    public static (long Min, long Max) Range(PeriodKind kind) => kind switch
    {
        PeriodKind.Date => (MinDay, MaxDay),
        PeriodKind.Timestamp => ((DateTime.MinValue.Ticks - DateTime.UnixEpoch.Ticks) / 10, (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / 10),
        _ => (long.MinValue + 1, long.MaxValue),
    };

    /// <summary>An integer period.</summary>
    public static Period FromInteger(long value) => new(PeriodKind.Integer, value);

    /// <summary>A calendar date.</summary>
    public static Period FromDate(DateOnly date) => new(PeriodKind.Date, date.DayNumber - EpochDayNumber);

    /// <summary>An instant, microsecond precision.</summary>
    public static Period FromTimestamp(DateTime utc) => new(PeriodKind.Timestamp, (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10);

    /// <summary>The date of a <see cref="PeriodKind.Date"/> period.</summary>
    public DateOnly ToDate() => Kind == PeriodKind.Date
        ? DateOnly.FromDayNumber(checked((int)(EpochDayNumber + Value)))
        : throw new InvalidOperationException($"A {Kind} period has no date.");

    /// <summary>True for timestamps that fall on midnight, which a panel presents as dates.</summary>
    public bool IsMidnight => Kind == PeriodKind.Timestamp && Value % MicrosPerDay == 0;

    /// <summary>The date period of a midnight timestamp.</summary>
    public Period AsDate() => new(PeriodKind.Date, Value / MicrosPerDay);

    /// <inheritdoc/>
    public int CompareTo(Period other) => Kind != other.Kind ? Kind.CompareTo(other.Kind) : Value.CompareTo(other.Value);

    /// <summary>ISO form: <c>2021-04-01</c>, <c>2021-04-01T06:00:00Z</c>, or the integer.</summary>
    public override string ToString() => Kind switch
    {
        PeriodKind.Date => ToDate().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        PeriodKind.Timestamp => DateTime.UnixEpoch.AddTicks(checked(Value * 10)).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        _ => Value.ToString(CultureInfo.InvariantCulture),
    };
}
