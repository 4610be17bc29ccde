using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LiftPipeline.Tests.Reports.Browser;

/// <summary>
/// Renders an HTML page in Debian's headless <c>chromium</c> (installed by .ci/run) with <see cref="ReportPageCheck"/>'s
/// script injected: the browser lays the page out at <see cref="ViewportWidth"/> pixels, the script writes what it
/// found into the DOM, and <c>--dump-dom</c> hands the DOM back. A second run takes a full-page screenshot.
/// </summary>
internal static partial class HeadlessChromium
{
    public const int ViewportWidth = 1280;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The chromium executable on PATH (chromium, chromium-browser), or null.</summary>
    public static string? Executable { get; } = Find();

    /// <summary>
    /// Lays out <paramref name="html"/> with the check script and returns its findings. The page and the instrumented copy
    /// are written to <paramref name="folder"/> as <c>{name}.html</c>, <c>{name}.checked.html</c>.
    /// </summary>
    public static async Task<PageFindings> CheckAsync(string html, string folder, string name)
    {
        string page = Path.Combine(folder, name + ".html");
        string instrumented = Path.Combine(folder, name + ".checked.html");
        await File.WriteAllTextAsync(page, html);
        await File.WriteAllTextAsync(instrumented, ReportPageCheck.Inject(html));
        string dom = await RunAsync(name, "--window-size=" + ViewportWidth + ",900", "--dump-dom", new Uri(instrumented).AbsoluteUri);
        var match = FindingsElement().Match(dom);
        if (!match.Success)
        {
            throw new InvalidOperationException($"chromium rendered {name} but the check script wrote no findings (did the page load?). DOM starts: {dom[..Math.Min(300, dom.Length)]}");
        }
        return JsonSerializer.Deserialize<PageFindings>(WebUtility.HtmlDecode(match.Groups[1].Value), JsonOptions)!;
    }

    /// <summary>A PNG of the whole page (<paramref name="height"/> pixels tall) at <c>{folder}/{name}.png</c>.</summary>
    public static async Task<string> ScreenshotAsync(string folder, string name, int height)
    {
        string png = Path.Combine(folder, name + ".png");
        await RunAsync(name, $"--window-size={ViewportWidth},{Math.Clamp(height, 200, 16000)}", "--screenshot=" + png,
            new Uri(Path.Combine(folder, name + ".html")).AbsoluteUri);
        return png;
    }

    private static async Task<string> RunAsync(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("chromium is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // A fresh profile per run, so parallel runs share no lock; no sandbox because CI runs as root.
        using var profile = TestData.TempDirectory();
        foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            "--disable-extensions", "--user-data-dir=" + profile.FullName, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish {name} within {Timeout.TotalSeconds} s");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"chromium exited {process.ExitCode} on {name}: {await stderr}");
        }
        return await stdout;
    }

    private static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in (string[])["chromium", "chromium-browser"])
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    [GeneratedRegex("<pre id=\"lift-check\">([\\s\\S]*?)</pre>")]
    private static partial Regex FindingsElement();
}
