using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Recommender.Tests.Api;

/// <summary>A whole HTTP/1.1 answer as read off the socket.</summary>
internal sealed record RawAnswer(int Status, string Head, string Body)
{
    public string? ContentType => Head.Split("\r\n").Skip(1).FirstOrDefault(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?[13..].Trim();
    public override string ToString() => $"{Status}\n{Head}\n\n{(Body.Length > 300 ? Body[..300] + "…" : Body)}";
}

/// <summary>
/// Requests written byte by byte on a socket: request lines, targets and headers no HTTP client
/// library sends (a raw <c>%00</c>, a 10 KB target, a bad version), with the whole answer read back.
/// </summary>
internal static class RawHttp
{
    public static async Task<RawAnswer> SendAsync(Uri server, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await stream.WriteAsync(request, timeout.Token);
        using var buffer = new MemoryStream();
        try { await stream.CopyToAsync(buffer, timeout.Token); }
        catch (IOException) { } // the server may reset after its answer
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var body = split < 0 ? "" : text[(split + 4)..];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) body = Dechunk(body);
        var status = head.Length >= 12 && head.StartsWith("HTTP/", StringComparison.Ordinal) && int.TryParse(head.AsSpan(9, 3), out var s) ? s : 0;
        return new RawAnswer(status, head, body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var end = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (end < 0 || !int.TryParse(chunked.AsSpan(at, end - at), System.Globalization.NumberStyles.HexNumber, null, out var size) || size == 0) break;
            body.Append(chunked, end + 2, Math.Min(size, chunked.Length - end - 2));
            at = end + 2 + size + 2;
        }
        return body.ToString();
    }

    /// <summary>A GET with <paramref name="target"/> as raw bytes, the given extra header lines, and <c>Connection: close</c>.</summary>
    public static Task<RawAnswer> GetAsync(Uri server, string target, string headers = "", string version = "HTTP/1.1") =>
        SendAsync(server, Encoding.Latin1.GetBytes($"GET {target} {version}\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n"));
}
