using System.Text;
using System.Text.RegularExpressions;

namespace LiftPipeline.Cli.Commands;

/// <summary>
/// Each default once in <c>--help</c>: an option whose description states its default (<c>Default: 30s.</c>, in the
/// words a user types) loses the library's <c>[default: 00:00:30]</c> after it.
/// </summary>
internal static partial class HelpDefaults
{
    /// <summary><paramref name="help"/> with the library's default dropped from every option row whose description gives one.</summary>
    public static string Once(string help)
    {
        var lines = help.Split('\n');
        var text = new StringBuilder(help.Length);
        int start = 0;
        for (int i = 1; i <= lines.Length; i++)
        {
            // An option row is its first line (starting "  -") and its indented continuation lines.
            if (i == lines.Length || !lines[i].StartsWith("    ", StringComparison.Ordinal) || lines[i].TrimStart().StartsWith('-'))
            {
                string row = string.Join('\n', lines[start..i]);
                text.Append(row.Contains("Default:", StringComparison.Ordinal) ? LibraryDefault().Replace(row, "") : row);
                if (i < lines.Length)
                {
                    text.Append('\n');
                }
                start = i;
            }
        }
        return text.ToString();
    }

    [GeneratedRegex(@" ?\[default: [^\]\n]*\]")]
    private static partial Regex LibraryDefault();
}
