using LiftPipeline.Statistics.Audiences.Segments;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// The rule language on a hand-built batch of six customers whose every answer is known: comparisons, and/or/not with
/// SQL's null logic, in-lists, is null, date arithmetic; and errors naming position and token.
/// </summary>
public sealed class SegmentRuleTests
{
    // Days since 1970-01-01 of 2026-06-30 and of some order dates.
    private static readonly double AsOf = new DateOnly(2026, 6, 30).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private static readonly FakeColumns Batch = new(
        Orders: [0, 1, 2, 5, 3, 2],
        Share: [0, 0.5, 0.5, 0.2, 0.9, 0.75],
        LastOrder: [double.NaN, AsOf - 10, AsOf - 100, AsOf - 365, AsOf - 366, AsOf - 40],
        AgeBand: [0, 1, -1, 2, 0, 1],
        Bands: ["18-24", "25-34", "35-44"],
        Score: [1.5, double.NaN, 3, 4, double.NaN, 0]);

    [Theory]
    [InlineData("orders >= 2", "..XXXX")]
    [InlineData("orders = 2", "..X..X")]
    [InlineData("orders != 2", "XX.XX.")]
    [InlineData("orders <> 2 and orders < 4", "XX..X.")]
    [InlineData("discounted_share >= 0.5 and orders >= 2 and last_order_date >= as_of - 365", "..X..X")]
    [InlineData("age_band in ('18-24','25-34')", "XX..XX")]
    [InlineData("age_band not in ('18-24')", ".X.X.X")]
    [InlineData("age_band != '18-24'", ".X.X.X")]
    [InlineData("age_band = '65+'", "......")]
    [InlineData("age_band != '65+'", "XX.XXX")]
    [InlineData("age_band is null", "..X...")]
    [InlineData("age_band is not null", "XX.XXX")]
    [InlineData("last_order_date is null", "X.....")]
    [InlineData("days_since_last_order <= 90", ".X...X")]
    [InlineData("as_of - last_order_date > 90", "..XXX.")]
    [InlineData("last_order_date >= date '2026-01-01'", ".XX..X")]
    [InlineData("score > 2", "..XX..")]
    [InlineData("not (score > 2)", "X....X")]
    [InlineData("score > 2 or orders = 1", ".XXX..")]
    [InlineData("not (score > 2 or orders = 1)", "X....X")]
    [InlineData("score > 2 and orders > 100", "......")]
    [InlineData("not (score > 2 and orders > 100)", "XXXXXX")]
    [InlineData("not (score > 10 and orders > 1)", "XXXX.X")]
    [InlineData("score in (0, 4)", "...X.X")]
    [InlineData("score not in (0, 4)", "X.X...")]
    [InlineData("score * 2 - 1 = 5", "..X...")]
    [InlineData("orders / 0 is null", "XXXXXX")]
    [InlineData("-orders < -2", "...XX.")]
    [InlineData("NOT orders >= 2 OR Orders = 5", "XX.X..")]
    public void Rule_selects_exactly_the_known_members(string rule, string expected)
    {
        var members = new bool[Batch.Count];
        string schemaRule = rule.Replace("Orders =", "orders =", StringComparison.Ordinal);

        int count = SegmentRule.Parse(schemaRule, FakeColumns.Schema).Evaluate(Batch, members);

        Assert.Equal(expected, new string(members.Select(m => m ? 'X' : '.').ToArray()));
        Assert.Equal(expected.Count(c => c == 'X'), count);
    }

    [Fact]
    public void A_rule_is_evaluated_again_on_a_later_batch_with_new_dictionary_codes()
    {
        var rule = SegmentRule.Parse("age_band = '45+'", FakeColumns.Schema);
        var members = new bool[6];
        Assert.Equal(0, rule.Evaluate(Batch, members));

        var later = Batch with { Bands = ["18-24", "25-34", "35-44", "45+"], AgeBand = [3, 3, -1, 0, 1, 3] };

        Assert.Equal(3, rule.Evaluate(later, members));
        Assert.Equal([true, true, false, false, false, true], members);
    }

    [Theory]
    [InlineData("orders >= ", 11, "end of rule", "expected a column, a number, 'text' or date '…'")]
    [InlineData("orders >= 'two'", 8, ">=", "cannot compare a number with text; compare a text column with a 'text' literal, a number with a number, a date with a date")]
    [InlineData("age_band > '18-24'", 10, ">", "text compares only with = and != (or in); it has no order")]
    [InlineData("ordrs >= 2", 1, "ordrs", "is not a column; columns: as_of, orders, discounted_share, last_order_date, days_since_last_order, age_band, score")]
    [InlineData("orders >= 2 and", 16, "end of rule", "expected a column, a number, 'text' or date '…'")]
    [InlineData("orders", 1, "orders", "is a number, not a condition; compare it (e.g. orders >= 2)")]
    [InlineData("last_order_date >= '2026-01-01'", 20, "'2026-01-01'", "a date compares with a date; write date '2026-01-01'")]
    [InlineData("last_order_date + as_of > 3", 17, "+", "cannot calculate a date + a date; dates take + or - a number of days, and date - date is days")]
    [InlineData("age_band in ('18-24', 3)", 23, "3", "a list for a text column holds 'text' literals only")]
    [InlineData("orders >= 2 )", 13, ")", "expected and, or, or the end of the rule")]
    [InlineData("age_band = '18-24", 12, "'18-24", "text is not closed; end it with '")]
    [InlineData("orders ; 2", 8, ";", "not part of the rule language (names, numbers, 'text', date 'yyyy-MM-dd', = != < <= > >= + - * /, and or not in is null)")]
    [InlineData("last_order_date > date '2026-02-30'", 24, "'2026-02-30'", "expected a date as date 'yyyy-MM-dd'")]
    [InlineData("(orders > 1", 12, "end of rule", "expected )")]
    public void Errors_name_the_position_and_the_token(string rule, int position, string token, string problem)
    {
        var e = Assert.Throws<SegmentRuleException>(() => SegmentRule.Parse(rule, FakeColumns.Schema));

        Assert.Equal((position, token, problem), (e.Position, e.Token, e.Problem));
        Assert.Equal($"at {position} ('{token}'): {problem}", e.Message);
    }

    [Fact]
    public void The_rule_reports_the_columns_it_names()
    {
        var rule = SegmentRule.Parse("orders >= 2 and (age_band = '18-24' or days_since_last_order < 30)", FakeColumns.Schema);

        Assert.Equal(["age_band", "days_since_last_order", "orders"], rule.Columns.Order(StringComparer.Ordinal));
    }

    /// <summary>A batch over a small schema: numbers and dates as arrays (NaN null), age_band as codes into <see cref="Bands"/>.</summary>
    private sealed record FakeColumns(double[] Orders, double[] Share, double[] LastOrder, int[] AgeBand, string[] Bands, double[] Score) : ISegmentColumns
    {
        public static SegmentSchema Schema { get; } = CreateSchema();

        public int Count => Orders.Length;

        public ReadOnlySpan<double> Numbers(int column) => column switch
        {
            0 => Enumerable.Repeat(AsOf, Count).ToArray(),
            1 => Orders,
            2 => Share,
            3 => LastOrder,
            4 => LastOrder.Select(d => AsOf - d).ToArray(),
            _ => Score,
        };

        public ReadOnlySpan<int> Codes(int column) => AgeBand;

        public int CodeOf(int column, string text) => Array.IndexOf(Bands, text);

        private static SegmentSchema CreateSchema()
        {
            var schema = new SegmentSchema();
            schema.Add("as_of", SegmentType.Date);
            schema.Add("orders", SegmentType.Number);
            schema.Add("discounted_share", SegmentType.Number);
            schema.Add("last_order_date", SegmentType.Date);
            schema.Add("days_since_last_order", SegmentType.Number);
            schema.Add("age_band", SegmentType.Text);
            schema.Add("score", SegmentType.Number);
            return schema;
        }
    }
}
