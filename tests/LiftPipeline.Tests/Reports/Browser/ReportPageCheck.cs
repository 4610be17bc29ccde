namespace LiftPipeline.Tests.Reports.Browser;

/// <summary>What the check script found on a laid-out page.</summary>
/// <param name="Errors">JavaScript errors and unhandled rejections, in order.</param>
/// <param name="PageWidth">The document's scroll width in CSS pixels.</param>
/// <param name="ViewportWidth">The viewport's width.</param>
/// <param name="PageHeight">The document's scroll height (for the screenshot).</param>
/// <param name="Overflows">Each table, figure or chart that is wider than its box or sticks out of the viewport.</param>
/// <param name="WrappedCells">Each table cell whose text runs over more than one line, as "table#index: text".</param>
/// <param name="ClippedText">Each chart text whose box reaches outside its chart.</param>
/// <param name="Charts">Every inline SVG chart.</param>
internal sealed record PageFindings(IReadOnlyList<string> Errors, double PageWidth, double ViewportWidth, double PageHeight,
    IReadOnlyList<string> Overflows, IReadOnlyList<string> WrappedCells, IReadOnlyList<string> ClippedText, IReadOnlyList<ChartFinding> Charts);

/// <summary>One SVG chart as laid out: its class, rendered size and how many drawn elements of each class it holds.</summary>
internal sealed record ChartFinding(string Class, double Width, double Height, IReadOnlyDictionary<string, int> Elements)
{
    /// <summary>How many elements of <paramref name="cssClass"/> the chart draws.</summary>
    public int Count(string cssClass) => Elements.TryGetValue(cssClass, out int n) ? n : 0;
}

/// <summary>
/// The script injected into a copy of a report page: one part first in &lt;head&gt; that records every JavaScript error,
/// one part last in &lt;body&gt; that measures the laid-out page and writes its findings as JSON into
/// &lt;pre id="lift-check"&gt; (the reports themselves carry no script).
/// </summary>
internal static class ReportPageCheck
{
    private const string ErrorRecorder = """
        <script>
        window.__liftErrors = [];
        window.addEventListener('error', e => window.__liftErrors.push('error: ' + (e.message || e.type) + (e.filename ? ' at ' + e.filename + ':' + e.lineno : '')), true);
        window.addEventListener('unhandledrejection', e => window.__liftErrors.push('unhandled rejection: ' + String(e.reason)));
        </script>
        """;

    private const string Measure = """
        <script>
        (() => {
          const view = document.documentElement.clientWidth;
          const text = el => (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
          const overflows = [], wrapped = [], clipped = [], charts = [];
          document.querySelectorAll('table, figure, svg, pre, dl').forEach(el => {
            const r = el.getBoundingClientRect();
            const name = el.tagName.toLowerCase() + '#' + Array.from(document.getElementsByTagName(el.tagName)).indexOf(el) + (el.getAttribute('class') ? '.' + el.getAttribute('class').replace(/ /g, '.') : '');
            if (el.tagName !== 'svg' && el.scrollWidth > el.clientWidth + 1) overflows.push(name + ' scrolls: ' + el.scrollWidth + ' > ' + el.clientWidth + ' px');
            if (r.left < -1 || r.right > view + 1) overflows.push(name + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right) + ' px of a ' + view + ' px page');
          });
          document.querySelectorAll('table').forEach((table, t) => {
            const box = table.parentElement.getBoundingClientRect();
            const r = table.getBoundingClientRect();
            if (r.right > box.right + 1) overflows.push('table#' + t + ' is ' + Math.round(r.width) + ' px wide in a ' + Math.round(box.width) + ' px column');
            table.querySelectorAll('th, td').forEach(cell => {
              // The lines of the cell's text: text boxes whose tops lie more than half a line apart.
              const tops = [];
              const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const range = document.createRange();
                range.selectNodeContents(node);
                Array.from(range.getClientRects()).filter(q => q.width > 0).forEach(q => tops.push(q.top));
              }
              tops.sort((a, b) => a - b);
              if (tops.some((top, i) => i > 0 && top - tops[i - 1] > 8)) wrapped.push('table#' + t + ': ' + text(cell));
            });
          });
          document.querySelectorAll('svg').forEach(svg => {
            const r = svg.getBoundingClientRect();
            const elements = {};
            svg.querySelectorAll('[class]').forEach(el => {
              el.getAttribute('class').split(/\s+/).forEach(c => { elements[c] = (elements[c] || 0) + 1; });
              if (el.tagName === 'text') {
                const b = el.getBoundingClientRect();
                if (b.left < r.left - 1 || b.top < r.top - 1 || b.right > r.right + 1 || b.bottom > r.bottom + 1)
                  clipped.push((svg.getAttribute('class') || 'svg') + ': ' + text(el));
              }
            });
            charts.push({ class: svg.getAttribute('class') || '', width: r.width, height: r.height, elements });
          });
          const out = document.createElement('pre');
          out.id = 'lift-check';
          out.textContent = JSON.stringify({
            errors: window.__liftErrors, pageWidth: document.documentElement.scrollWidth, viewportWidth: view,
            pageHeight: document.documentElement.scrollHeight, overflows, wrappedCells: wrapped, clippedText: clipped, charts });
          document.body.appendChild(out);
        })();
        </script>
        """;

    /// <summary><paramref name="html"/> with the error recorder first in its head and the measuring script last in its body.</summary>
    public static string Inject(string html)
    {
        int head = html.IndexOf("<head>", StringComparison.Ordinal);
        int body = html.LastIndexOf("</body>", StringComparison.Ordinal);
        if (head < 0 || body < 0)
        {
            throw new ArgumentException("The page has no <head> or no </body>.", nameof(html));
        }
        return html[..(head + 6)] + ErrorRecorder + html[(head + 6)..body] + Measure + html[body..];
    }
}
