using System.CommandLine;
using LiftPipeline.Cli.Hosting;

namespace LiftPipeline.Cli.Commands;

/// <summary><c>lift audience assign|export|validate</c>: holdout assignment, activation files and refresh validation for first-party audiences.</summary>
internal static class AudienceCommand
{
    public static Command Create(TextWriter output, TextWriter error, CliHost host) =>
        new("audience", "First-party audiences from a customers export: assign holdout arms by salted hash, export hashed contacts for the ad platforms, validate a refresh. See docs/audiences.md.")
        {
            AudienceAssignCommand.Create(output, error),
            AudienceExportCommand.Create(output, error, host),
            AudienceValidateCommand.Create(output, error),
        };
}
