using System.CommandLine;
using LiftPipeline.Cli.Hosting;

namespace LiftPipeline.Cli.Commands;

/// <summary><c>lift audience build|assign|export|validate</c>: segments, holdout assignment, activation files and refresh validation for first-party audiences.</summary>
internal static class AudienceCommand
{
    public static Command Create(TextWriter output, TextWriter error, CliHost host) =>
        new("audience", "First-party audiences from a customers export: build rule segments, assign holdout arms by salted hash, export hashed contacts for the ad platforms, validate a refresh. See docs/audiences.md.")
        {
            AudienceBuildCommand.Create(output, error),
            AudienceAssignCommand.Create(output, error),
            AudienceExportCommand.Create(output, error, host),
            AudienceValidateCommand.Create(output, error),
        };
}
