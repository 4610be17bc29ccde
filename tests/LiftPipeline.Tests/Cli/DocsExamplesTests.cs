using System.Text;
using System.Text.RegularExpressions;
using LiftPipeline.Cli;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Cli;

/// <summary>
/// The CLI examples in README.md and docs/*.md are the output of real runs: each fenced block after a
/// <c>&lt;!-- lift-example: ARGS [| from "TEXT"] [| slow] --&gt;</c> marker must equal what <c>lift ARGS</c> prints now
/// (paths relative to the repository, run ids from a fixed clock). <c>UPDATE_DOCS=1</c> rewrites the blocks instead.
/// </summary>
public sealed partial class DocsExamplesTests
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(TestData.Path())!, ".."));
    private static readonly Lock Rewriting = new();

    /// <summary>The examples that run in a few seconds.</summary>
    public static TheoryData<string, string> Fast() => Examples(slow: false);

    /// <summary>The examples that run the whole pipeline or many simulations.</summary>
    public static TheoryData<string, string> Slow() => Examples(slow: true);

    [Theory]
    [MemberData(nameof(Fast))]
    public Task Example_in_the_docs_is_what_lift_prints(string doc, string args) => CheckAsync(doc, args);

    [Trait("Category", "Simulation")]
    [Theory]
    [MemberData(nameof(Slow))]
    public Task Slow_example_in_the_docs_is_what_lift_prints(string doc, string args) => CheckAsync(doc, args);

    [Fact]
    public void The_docs_have_examples_of_the_demo_measure_inspect_and_power()
    {
        var all = Examples(slow: false).Concat(Examples(slow: true)).Select(row => (string)row[1]).ToArray();

        foreach (var verb in new[] { "demo", "measure", "inspect", "power" })
        {
            Assert.Contains(all, args => args.StartsWith(verb + " ", StringComparison.Ordinal) || args == verb);
        }
    }

    private static async Task CheckAsync(string doc, string args)
    {
        var path = Path.Combine(Root, doc);
        var example = Find(File.ReadAllText(path), args);
        string actual = await RunAsync(example);
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            lock (Rewriting)
            {
                var text = File.ReadAllText(path);
                var current = Find(text, args);
                File.WriteAllText(path, text[..current.BlockStart] + actual + text[current.BlockEnd..], new UTF8Encoding(false));
            }
            return;
        }
        Assert.True(example.Block == actual,
            $"{doc}: the example `lift {args}` no longer matches a fresh run; regenerate with UPDATE_DOCS=1 dotnet test --filter DocsExamplesTests{Environment.NewLine}{FirstDifference(example.Block, actual)}");
    }

    /// <summary>Runs the example in-process from a temp folder (so <c>--dir lift-demo</c> lands there), as "$ lift ARGS" then its output.</summary>
    private static async Task<string> RunAsync(Example example)
    {
        using var dir = TestData.TempDirectory();
        var host = new CliHost
        {
            Clock = new ManualClock(new DateTimeOffset(2026, 12, 4, 15, 43, 50, TimeSpan.Zero)),
            CurrentDirectory = () => dir.FullName,
            Environment = () => new Dictionary<string, string>(),
        };
        var args = Split(example.Args).Select(a => File.Exists(Path.Combine(Root, a)) ? Path.Combine(Root, a) : a).ToList();
        if (args[0] == "demo")
        {
            args.AddRange(["--dir", Path.Combine(dir.FullName, "lift-demo"), "--samples", Path.Combine(Root, "samples")]);
        }
        var (_, output, error) = await CliRunner.RunAsync(host, CancellationToken.None, [.. args]);
        string text = (output + error).Replace(dir.FullName + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)
            .Replace(Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)
            .Replace("\r\n", "\n", StringComparison.Ordinal);
        var lines = text.Split('\n').Select(l => l.TrimEnd()).ToList();
        if (example.From is { } from)
        {
            int first = lines.FindIndex(l => l.StartsWith(from, StringComparison.Ordinal));
            Assert.True(first >= 0, $"`lift {example.Args}` printed no line starting with \"{from}\":\n{text}");
            lines = lines[first..];
        }
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return $"$ lift {example.Args}\n{string.Join('\n', lines)}\n";
    }

    private sealed record Example(string Args, string? From, bool Slow, string Block, int BlockStart, int BlockEnd);

    private static TheoryData<string, string> Examples(bool slow)
    {
        var data = new TheoryData<string, string>();
        var docs = new[] { "README.md" }.Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Select(f => Path.GetRelativePath(Root, f)).Order(StringComparer.Ordinal));
        foreach (var doc in docs)
        {
            foreach (Match marker in Marker().Matches(File.ReadAllText(Path.Combine(Root, doc))))
            {
                var example = Parse(marker);
                if (example.Slow == slow)
                {
                    data.Add(doc.Replace('\\', '/'), example.Args);
                }
            }
        }
        return data;
    }

    private static Example Find(string text, string args)
    {
        foreach (Match marker in Marker().Matches(text))
        {
            var example = Parse(marker);
            if (example.Args == args)
            {
                return example;
            }
        }
        throw new InvalidOperationException($"no lift-example marker for `{args}`");
    }

    private static Example Parse(Match marker)
    {
        var parts = marker.Groups["spec"].Value.Split(" | ", StringSplitOptions.TrimEntries);
        string? from = parts.Skip(1).Select(p => FromPart().Match(p)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        var block = marker.Groups["block"];
        return new Example(parts[0], from, parts.Contains("slow"), block.Value, block.Index, block.Index + block.Length);
    }

    /// <summary>Splits on spaces, keeping "quoted words" together (without the quotes).</summary>
    private static IEnumerable<string> Split(string args) =>
        ArgPattern().Matches(args).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value);

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string left = i < e.Length ? e[i] : "(end)", right = i < a.Length ? a[i] : "(end)";
            if (left != right)
            {
                return $"line {i + 1}:\n  docs: {left}\n  now:  {right}";
            }
        }
        return "";
    }

    [GeneratedRegex(@"<!-- lift-example: (?<spec>[^\n]*?) -->\n```[a-z]*\n(?<block>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Marker();

    [GeneratedRegex("^from \"(.*)\"$")]
    private static partial Regex FromPart();

    [GeneratedRegex("\"([^\"]*)\"|\\S+")]
    private static partial Regex ArgPattern();
}
