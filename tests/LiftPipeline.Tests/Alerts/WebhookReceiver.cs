using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LiftPipeline.Tests.Alerts;

/// <summary>One scripted answer: status, extra headers, and how long to wait before answering.</summary>
internal sealed record ScriptedResponse(int Status, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default);

/// <summary>A request as the receiver saw it.</summary>
internal sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string?> Headers, byte[] Body);

/// <summary>
/// A real HTTP webhook receiver on 127.0.0.1 (System.Net.HttpListener): answers each request with the next scripted
/// response (200 once the script runs out) and records what it received.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private HttpListener? _listener;
    private Task? _loop;

    /// <summary>A receiver on a free port, not yet listening (so a delivery meets a refused connection until <see cref="Start"/>).</summary>
    public WebhookReceiver()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/hooks/lift");

    public IReadOnlyList<ReceivedRequest> Received => _received.ToArray();

    public WebhookReceiver Answer(int status, IReadOnlyDictionary<string, string>? headers = null, TimeSpan delay = default)
    {
        _script.Enqueue(new ScriptedResponse(status, headers, delay));
        return this;
    }

    public WebhookReceiver Start()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        var listener = _listener;
        _loop = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                _ = Task.Run(() => HandleAsync(context));
            }
        });
        return this;
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
            .ToDictionary(k => k!, k => context.Request.Headers[k], StringComparer.OrdinalIgnoreCase);
        _received.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body.ToArray()));
        var answer = _script.TryDequeue(out var next) ? next : new ScriptedResponse(200);
        if (answer.Delay > TimeSpan.Zero)
        {
            await Task.Delay(answer.Delay);
        }
        try
        {
            context.Response.StatusCode = answer.Status;
            foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
            {
                context.Response.AddHeader(name, value);
            }
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The client gave up (attempt timeout); nothing to answer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            _listener.Stop();
            try
            {
                _listener.Close();
            }
            catch (HttpListenerException)
            {
                // The managed listener looks its port up again to unregister; when another test has bound that port since
                // Stop, the lookup fails with "address already in use". The listener is stopped either way.
            }
        }
        if (_loop is not null)
        {
            await _loop;
        }
    }
}
