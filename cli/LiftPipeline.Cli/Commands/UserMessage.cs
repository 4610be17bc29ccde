using System.Text.RegularExpressions;

namespace LiftPipeline.Cli.Commands;

/// <summary>An exception's message as a user reads it: its first line, without the parameter name .NET appends.</summary>
internal static partial class UserMessage
{
    /// <summary>The first line of <paramref name="exception"/>'s message, less any <c>(Parameter 'name')</c>.</summary>
    public static string Of(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string message = exception.Message;
        int end = message.AsSpan().IndexOfAny('\r', '\n');
        return ParameterSuffix().Replace(end < 0 ? message : message[..end], "").TrimEnd();
    }

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();
}
