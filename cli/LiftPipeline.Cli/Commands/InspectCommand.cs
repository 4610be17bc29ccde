using System.CommandLine;
using System.Text.Json;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Inspection;
using Spectre.Console;

namespace LiftPipeline.Cli.Commands;

/// <summary><c>lift inspect FILE [--json]</c>: a Parquet export's layout, its contract and whether it is valid.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter output)
    {
        var file = new Argument<FileInfo>("file") { Description = "The Parquet export to inspect." };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object instead of tables.", DefaultValueFactory = _ => false };
        var map = ColumnMapOption.Create([.. ContractColumns.Mappable, .. Ingestion.Customers.CustomerColumns.Mappable.Except(ContractColumns.Mappable)], ColumnMapOption.Example);
        var command = new Command("inspect", "Show a Parquet export's schema, row groups, rows, compression and writer, detect its contract (panel, experiment, customers) and validate it. Exit code 0 when valid, 1 when not.")
        {
            file,
            json,
            map,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            var inspection = await ExportInspector.InspectAsync(path, parse.GetValue(map), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(ToJson(inspection)).ConfigureAwait(false);
            }
            else
            {
                Render(ConsoleFactory.Create(output), inspection);
            }
            return inspection.Valid ? LiftApp.Ok : LiftApp.DataProblem;
        });
        return command;
    }

    internal static string ToJson(ExportInspection inspection)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("file", inspection.File);
            writer.WriteNumber("rows", inspection.Rows);
            writer.WriteNumber("rowGroups", inspection.RowGroups);
            writer.WriteString("createdBy", inspection.CreatedBy);
            writer.WriteStartArray("compression");
            foreach (var codec in inspection.Codecs)
            {
                writer.WriteStringValue(codec);
            }
            writer.WriteEndArray();
            writer.WriteStartArray("columns");
            foreach (var column in inspection.Columns)
            {
                writer.WriteStartObject();
                writer.WriteString("name", column.Path);
                writer.WriteString("physicalType", column.Type.PhysicalName);
                writer.WriteString("logicalType", column.Type.LogicalName);
                if (column.NullCount is { } nulls)
                {
                    writer.WriteNumber("nullCount", nulls);
                }
                else
                {
                    writer.WriteNull("nullCount");
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteString("contract", inspection.Contract.ToString().ToLowerInvariant());
            writer.WriteBoolean("valid", inspection.Valid);
            writer.WriteStartArray("errors");
            foreach (var error in inspection.Errors)
            {
                writer.WriteStartObject();
                writer.WriteString("code", error.Code);
                writer.WriteString("message", error.Message);
                writer.WriteString("column", error.Column);
                writer.WriteStartArray("rows");
                foreach (long row in error.Rows)
                {
                    writer.WriteNumberValue(row);
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (inspection.ValidFor is { } use)
            {
                writer.WriteString("validFor", use);
            }
            else
            {
                writer.WriteNull("validFor");
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Render(IAnsiConsole console, ExportInspection inspection)
    {
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("[bold]file[/]", Markup.Escape(inspection.File));
        summary.AddRow("[bold]rows[/]", $"{inspection.Rows:N0} in {inspection.RowGroups} row group{(inspection.RowGroups == 1 ? "" : "s")}");
        summary.AddRow("[bold]compression[/]", Markup.Escape(inspection.Codecs.Count == 0 ? "-" : string.Join(", ", inspection.Codecs)));
        summary.AddRow("[bold]created by[/]", Markup.Escape(inspection.CreatedBy ?? "-"));
        summary.AddRow("[bold]contract[/]", inspection.Contract.ToString().ToLowerInvariant());
        console.Write(summary);
        if (inspection.Columns.Count > 0)
        {
            var columns = new Table().Border(TableBorder.Rounded).AddColumns("column", "physical type", "logical type", "nulls");
            foreach (var column in inspection.Columns)
            {
                columns.AddRow(Markup.Escape(column.Path), column.Type.PhysicalName, Markup.Escape(column.Type.LogicalName ?? "-"), column.NullCount?.ToString("N0") ?? "?");
            }
            console.Write(columns);
        }
        if (inspection.Valid)
        {
            console.MarkupLine(inspection.ValidFor == "design"
                ? "[green]valid for design[/] (no treated cells yet): lift design and lift power can plan on it; lift measure needs the test periods"
                : $"[green]valid[/] {inspection.Contract.ToString().ToLowerInvariant()} export");
            return;
        }
        console.MarkupLine($"[red]invalid[/]: {inspection.Errors.Count} problem{(inspection.Errors.Count == 1 ? "" : "s")}");
        var errors = new Table().Border(TableBorder.Rounded).AddColumns("code", "column", "rows", "problem");
        foreach (var error in inspection.Errors)
        {
            errors.AddRow(error.Code, Markup.Escape(error.Column ?? "-"), string.Join(", ", error.Rows), Markup.Escape(error.Message));
        }
        console.Write(errors);
    }
}
