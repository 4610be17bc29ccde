using System.CommandLine;
using LiftPipeline.Cli.Hosting;

namespace LiftPipeline.Cli.Commands;

/// <summary><c>lift audience build|assign|export</c>: holdout assignment and activation files for first-party audiences.</summary>
internal static class AudienceCommand
{
    public static Command Create(TextWriter output, TextWriter error, CliHost host) =>
        new("audience", "First-party audiences from a customers export: build rule segments, assign holdout arms by salted hash, export hashed contacts for the ad platforms. See docs/audiences.md.")
        {
            AudienceBuildCommand.Create(output, error),
            AudienceAssignCommand.Create(output, error),
            AudienceExportCommand.Create(output, error, host),
        };
}
