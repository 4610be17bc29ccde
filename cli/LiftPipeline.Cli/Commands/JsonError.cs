using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// The error object a failing <c>--json</c> command prints instead of its result, so a script reading standard output
/// always gets one JSON object: <c>{"error": {"exitCode": 2, "kind": "usage", "message": "…"}}</c> (kind <c>usage</c>
/// for exit code 2, <c>data</c> for 1). The same line still goes to standard error. Commands whose JSON reports its own
/// problems (<c>lift run --json</c>) are left alone.
/// </summary>
internal static class JsonError
{
    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal) { "measure", "power", "design" };

    /// <summary>Whether <paramref name="args"/> ask for JSON at all (cheap, before parsing).</summary>
    public static bool Wanted(IReadOnlyList<string> args) =>
        args.Any(a => a == "--json" || a.StartsWith("--json=", StringComparison.Ordinal) || a.StartsWith("--json:", StringComparison.Ordinal));

    /// <summary>Whether the parsed command is one of those that print an error object, with <c>--json</c> on.</summary>
    public static bool Applies(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        return Commands.Contains(command.Name)
            && command.Options.FirstOrDefault(o => o.Name == "--json") is Option<bool> json
            && (parsed.Errors.Count > 0 || parsed.GetValue(json));
    }

    /// <summary>The error object for <paramref name="exitCode"/> and the lines written to standard error.</summary>
    public static string ToJson(int exitCode, string problems)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("exitCode", exitCode);
            w.WriteString("kind", exitCode switch { LiftApp.UsageError => "usage", LiftApp.Interrupted => "interrupted", _ => "data" });
            w.WriteString("message", string.Join(" ", problems.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
