using NCrontab;

namespace LiftPipeline.Cli.Hosting;

/// <summary>
/// A cron schedule in UTC for <c>lift watch</c>: five fields (minute hour day month weekday, <c>0 2 * * *</c>) or six
/// with seconds first, as the Functions timer setting writes it (<c>0 0 2 * * *</c>). Immutable.
/// </summary>
internal sealed class CronSchedule
{
    private readonly CrontabSchedule _schedule;

    private CronSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        _schedule = schedule;
    }

    /// <summary>The expression as given.</summary>
    public string Expression { get; }

    /// <summary>Parses <paramref name="expression"/>.</summary>
    /// <exception cref="FormatException">It is not a 5- or 6-field cron expression; the message says which.</exception>
    public static CronSchedule Parse(string expression)
    {
        var fields = (expression ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            throw new FormatException($"--schedule '{expression}' has {fields.Length} fields; give 5 (minute hour day month weekday, e.g. \"0 2 * * *\") or 6 with seconds first (e.g. \"0 0 2 * * *\").");
        }
        var schedule = CrontabSchedule.TryParse(string.Join(' ', fields), new CrontabSchedule.ParseOptions { IncludingSeconds = fields.Length == 6 });
        return schedule is null
            ? throw new FormatException($"--schedule '{expression}' is not a valid cron expression; e.g. \"0 2 * * *\" is 02:00 UTC every day.")
            : new CronSchedule(expression!, schedule);
    }

    /// <summary>The last occurrence in (<paramref name="at"/> − <paramref name="window"/>, <paramref name="at"/>], in UTC; null when there is none.</summary>
    public DateTimeOffset? LastWithin(DateTimeOffset at, TimeSpan window)
    {
        DateTimeOffset? last = null;
        for (var next = NextAfter(at - window); next <= at; next = NextAfter(next))
        {
            last = next;
        }
        return last;
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, in UTC.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset after)
    {
        var next = _schedule.GetNextOccurrence(after.UtcDateTime);
        return new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
    }
}
