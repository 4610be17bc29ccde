using System.Text.RegularExpressions;

namespace LiftPipeline.Tests.Architecture;

/// <summary>
/// Which namespaces (folders) of one project use which, read from the sources: a file uses a namespace when it
/// imports it, or when it names a type declared there and can see it without an import (its own namespace's
/// ancestors, as C# resolves names in enclosing namespaces).
/// </summary>
internal sealed partial class NamespaceGraph(IReadOnlyDictionary<string, HashSet<string>> edges)
{
    public IReadOnlyCollection<string> Namespaces => edges.Keys.ToArray();

    public static NamespaceGraph Of(string sourceFolder)
    {
        var files = Directory.EnumerateFiles(sourceFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => File.ReadAllText(f))
            .Select(text => (Namespace: NamespaceLine().Match(text).Groups[1].Value, Text: text))
            .Where(f => f.Namespace.Length > 0)
            .ToArray();
        var typesByNamespace = files.GroupBy(f => f.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(f => TypeDeclaration().Matches(f.Text).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var edges = typesByNamespace.Keys.ToDictionary(n => n, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (ns, text) in files)
        {
            foreach (Match import in UsingLine().Matches(text))
            {
                var target = import.Groups[1].Value;
                var owner = typesByNamespace.ContainsKey(target) ? target : target[..Math.Max(0, target.LastIndexOf('.'))];
                if (owner != ns && typesByNamespace.ContainsKey(owner))
                {
                    edges[ns].Add(owner);
                }
            }
            var identifiers = Identifier().Matches(StripComments(text)).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
            for (var ancestor = Parent(ns); ancestor is not null; ancestor = Parent(ancestor))
            {
                if (typesByNamespace.TryGetValue(ancestor, out var types) && types.Overlaps(identifiers))
                {
                    edges[ns].Add(ancestor);
                }
            }
        }
        return new NamespaceGraph(edges);
    }

    /// <summary>Every strongly connected set of more than one namespace (Tarjan).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var cycles = new List<IReadOnlyList<string>>();
        foreach (var node in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Connect(node, index, low, stack, cycles);
            }
        }
        return cycles;
    }

    private void Connect(string v, Dictionary<string, int> index, Dictionary<string, int> low, Stack<string> stack, List<IReadOnlyList<string>> cycles)
    {
        index[v] = low[v] = index.Count;
        stack.Push(v);
        foreach (var w in edges.TryGetValue(v, out var next) ? next : [])
        {
            if (!edges.ContainsKey(w))
            {
                continue;
            }
            if (!index.ContainsKey(w))
            {
                Connect(w, index, low, stack, cycles);
                low[v] = Math.Min(low[v], low[w]);
            }
            else if (stack.Contains(w))
            {
                low[v] = Math.Min(low[v], index[w]);
            }
        }
        if (low[v] == index[v])
        {
            var component = new List<string>();
            string w;
            do
            {
                w = stack.Pop();
                component.Add(w);
            }
            while (w != v);
            if (component.Count > 1)
            {
                cycles.Add(component);
            }
        }
    }

    private static string? Parent(string ns) => ns.LastIndexOf('.') is > 0 and var dot ? ns[..dot] : null;

    private static string StripComments(string text) => LineComment().Replace(text, "");

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^using (?:static )?([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"^(?:public|internal)\s+(?:(?:sealed|static|abstract|readonly|partial|record)\s+)*(?:class|record|struct|enum|interface)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();
}
