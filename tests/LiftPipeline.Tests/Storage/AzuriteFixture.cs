using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LiftPipeline.Infrastructure.Storage;

namespace LiftPipeline.Tests.Storage;

/// <summary>
/// Starts one Azurite blob emulator for the "Azurite" test collection: on a free loopback port, in memory (working in a temp folder), with
/// <c>--skipApiVersionCheck</c> (Azurite 3.x rejects the newer service version Azure.Storage.Blobs 12.30 sends). The
/// executable is the repo's pinned one (<c>npm ci</c> → node_modules/.bin/azurite-blob), else <c>azurite-blob</c> on
/// PATH, else <c>npx --no-install azurite-blob</c>. When none works the tests fail with <see cref="Failure"/> saying how
/// to install it; they never skip. The process tree is killed on dispose.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>The public, documented key of Azurite's built-in development account.</summary>
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string InstallHint =
        "Azurite (the Azure Blob storage emulator) is required for the Azure store tests. Install it with `npm ci` (Node.js 22 or later) " +
        "at the repository root (package.json pins it; .ci/run does this), or `npm install -g azurite`.";

    private readonly Queue<string> _output = new();
    private Process? _process;
    private DirectoryInfo? _location;

    /// <summary>The dev-account connection string for the running emulator (null when it could not start).</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>Why Azurite is not running, with how to install it; null when it is.</summary>
    public string? Failure { get; private set; }

    /// <summary>The connection string, or throws with the install hint so the calling test fails visibly.</summary>
    public string RequireConnectionString() =>
        ConnectionString ?? throw new InvalidOperationException(Failure ?? InstallHint);

    /// <summary>An <see cref="AzureBlobStore"/> over a new, empty container, so tests never see each other's blobs.</summary>
    public async Task<AzureBlobStore> NewStoreAsync()
    {
        var store = new AzureBlobStore(RequireConnectionString(), "lift-" + Guid.NewGuid().ToString("N"));
        await store.EnsureCreatedAsync().ConfigureAwait(false);
        return store;
    }

    public async Task InitializeAsync()
    {
        var candidates = Candidates().ToList();
        var reasons = new List<string>();
        foreach (var (file, prefixArgs) in candidates)
        {
            var port = FreePort();
            var started = await TryStartAsync(file, prefixArgs, port).ConfigureAwait(false);
            if (started is null)
            {
                ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                    $"AccountKey={DevAccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
                return;
            }
            reasons.Add($"{file} {string.Join(' ', prefixArgs)}: {started}");
            _location?.Delete(recursive: true);
            _location = null;
        }
        Failure = InstallHint + (reasons.Count == 0 ? " (no azurite-blob and no npx found)" : " Tried: " + string.Join("; ", reasons));
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        try
        {
            _location?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // The emulator may still be releasing its files; the temp folder is cleaned by the OS.
        }
        return Task.CompletedTask;
    }

    /// <summary>Starts the emulator and waits until its port accepts connections; returns why it failed, or null.</summary>
    private async Task<string?> TryStartAsync(string file, string[] prefixArgs, int port)
    {
        _location = Directory.CreateTempSubdirectory("lift-azurite-");
        // Azurite refuses --location together with --inMemoryPersistence, so the temp folder is its working directory instead.
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _location.FullName,
        };
        foreach (var arg in prefixArgs.Concat(["--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--inMemoryPersistence", "--skipApiVersionCheck", "--silent"]))
        {
            info.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return ex.Message;
        }
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Up to ~60 s for node to start (npx resolution can be slow on a busy machine); usually ~1 s.
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (process.HasExited)
            {
                var said = string.Join(" | ", Recent());
                var code = process.ExitCode;
                process.Dispose();
                return $"exited with code {code}" + (said.Length > 0 ? $": {said}" : "");
            }
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                _process = process;
                return null;
            }
            catch (SocketException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
        process.Kill(entireProcessTree: true);
        process.Dispose();
        return $"did not accept connections on 127.0.0.1:{port}";
    }

    private static IEnumerable<(string File, string[] Args)> Candidates()
    {
        var exe = OperatingSystem.IsWindows() ? "azurite-blob.cmd" : "azurite-blob";
        var root = RepositoryRoot();
        if (root is not null && File.Exists(Path.Combine(root, "node_modules", ".bin", exe)))
        {
            yield return (Path.Combine(root, "node_modules", ".bin", exe), []);
        }
        if (OnPath(exe) is { } onPath)
        {
            yield return (onPath, []);
        }
        if (OnPath(OperatingSystem.IsWindows() ? "npx.cmd" : "npx") is { } npx)
        {
            yield return (npx, ["--no-install", "azurite-blob"]);
        }
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LiftPipeline.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    private static string? OnPath(string exe) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, exe))
            .FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void Remember(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 5)
            {
                _output.Dequeue();
            }
        }
    }

    private string[] Recent()
    {
        lock (_output)
        {
            return [.. _output];
        }
    }
}

/// <summary>Tests that share the one Azurite emulator.</summary>
[CollectionDefinition("Azurite")]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;
