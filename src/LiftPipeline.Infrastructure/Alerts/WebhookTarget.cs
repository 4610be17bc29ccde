using System.Net;
using System.Net.Sockets;
using LiftPipeline.Pipeline.Campaigns;

namespace LiftPipeline.Infrastructure.Alerts;

/// <summary>
/// Which webhook targets the sink may reach. Refused unless <see cref="WebhookOptions.AllowedNetworks"/> contains the
/// address: loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10), link-local
/// (169.254/16 with the cloud metadata service 169.254.169.254, fe80::/10), unspecified (0/8, ::), multicast and
/// reserved (224/3, ff00::/8), and IPv6 forms that embed such an IPv4 address (mapped, compatible, 6to4, NAT64);
/// known cloud metadata host names; plain http unless <see cref="WebhookOptions.AllowHttp"/>; and URLs with credentials.
/// Host names are checked on every address they resolve to at connect time (<see cref="ConnectCallback"/>), so DNS
/// rebinding and odd spellings (decimal, octal, hex) meet the same check as the address they end up as.
/// </summary>
internal static class WebhookTarget
{
    /// <summary>Where the allow-list is set, for messages.</summary>
    public const string AllowSetting = "LIFT_WEBHOOK_ALLOW (Webhooks:Allow in the Functions app)";

    private static readonly HashSet<string> MetadataHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
    };

    /// <summary>Why <paramref name="url"/> may not be sent to before any connection is made, or null when it may.</summary>
    public static string? Refusal(Uri url, WebhookOptions options)
    {
        if (url.Scheme == Uri.UriSchemeHttp && !options.AllowHttp)
        {
            return $"http:// is refused; use https:// or add 'http' to {AllowSetting}";
        }
        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
        {
            return $"{url.Scheme}:// is refused; webhooks are https://";
        }
        if (url.UserInfo.Length > 0)
        {
            return "a user name or password in the URL is refused; remove it (sign with a secretName instead)";
        }
        var host = url.IdnHost.TrimEnd('.');
        if (MetadataHosts.Contains(host))
        {
            return $"{host} is a cloud metadata host; refused";
        }
        return IPAddress.TryParse(host.Trim('[', ']'), out var literal) && Refusal(literal, options) is { } kind
            ? $"{literal} is {kind} address; refused (allow its network in {AllowSetting})"
            : null;
    }

    /// <summary>The kind of internal address <paramref name="address"/> is (such as "a loopback"), or null when it is public or allowed.</summary>
    public static string? Refusal(IPAddress address, WebhookOptions options)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var network in options.AllowedNetworks)
        {
            if (network.Contains(plain) || network.Contains(address))
            {
                return null;
            }
        }
        return plain.AddressFamily == AddressFamily.InterNetwork ? KindV4(plain) : KindV6(plain, options);
    }

    /// <summary>
    /// The handler's connect step: resolves the host itself (<see cref="WebhookOptions.ResolveHost"/>), refuses the
    /// connection when any address is internal, and connects to the addresses it checked.
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(WebhookOptions options) => async (context, cancellationToken) =>
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        bool isLiteral = IPAddress.TryParse(host, out var literal);
        var addresses = isLiteral ? [literal!] : await options.ResolveHost(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new IOException($"{host} resolves to no address");
        }
        foreach (var address in addresses)
        {
            if (Refusal(address, options) is { } kind)
            {
                throw new WebhookTargetRefusedException(isLiteral
                    ? $"{address} is {kind} address; refused (allow its network in {AllowSetting})"
                    : $"{host} resolves to {address}, {kind} address; refused (allow its network in {AllowSetting})");
            }
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };

    /// <summary>Redacted URL and reason, for outcomes and logs.</summary>
    public static string Describe(Uri url, string reason) => $"{SubscriberUrl.Redact(url)}: {reason}; nothing was sent";

    private static string? KindV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return (b[0], b[1]) switch
        {
            (0, _) => "an unspecified",
            (127, _) => "a loopback",
            (10, _) or (172, >= 16 and <= 31) or (192, 168) => "a private",
            (100, >= 64 and <= 127) => "a private (carrier-grade NAT)",
            (169, 254) => "a link-local (cloud metadata)",
            (>= 224, _) => "a multicast or reserved",
            _ => null,
        };
    }

    private static string? KindV6(IPAddress address, WebhookOptions options)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (address.Equals(IPAddress.IPv6Any))
        {
            return "an unspecified";
        }
        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return "a loopback";
        }
        if (address.IsIPv6LinkLocal)
        {
            return "a link-local";
        }
        if (address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal)
        {
            return "a private";
        }
        if (address.IsIPv6Multicast)
        {
            return "a multicast";
        }
        // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::) carry an IPv4 address that is checked too.
        if (b[..12].IndexOfAnyExcept((byte)0) < 0 || (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0))
        {
            return Refusal(new IPAddress(b[12..]), options);
        }
        return b[0] == 0x20 && b[1] == 0x02 ? Refusal(new IPAddress(b[2..6]), options) : null;
    }
}

/// <summary>A webhook connection refused by <see cref="WebhookTarget"/>; the message says which address and why.</summary>
internal sealed class WebhookTargetRefusedException(string message) : IOException(message);
