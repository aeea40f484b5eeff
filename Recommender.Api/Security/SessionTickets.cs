using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Recommender.Api.Security;

/// <summary>A signed-in browser's session, set as a request feature by <see cref="ApiKeyAuthenticationHandler"/>.</summary>
public sealed record SignedInSession(string Id, ApiKeyIdentity Key, string CsrfToken, DateTimeOffset Expires);

/// <summary>
/// The session cookie: a data-protected (encrypted and authenticated), time-limited ticket naming
/// the key and its <see cref="ApiKeyIdentity.Fingerprint"/> — never the key — with a random CSRF
/// token that state-changing requests made with the cookie must echo in <see cref="CsrfHeader"/>.
/// Its scopes and rate limit are read from the key's current configuration at every request, so
/// a key removed or given a new secret ends its sessions. Sign-out revokes the ticket in this
/// process until it would have expired. Sign-in attempts have their own window per address.
/// </summary>
public sealed class SessionTickets : IDisposable
{
    public const string CookieName = "reco.session";
    public const string CsrfHeader = "X-CSRF-Token";
    private const string Version = "v1";

    private readonly ITimeLimitedDataProtector _protector;
    private readonly SecuritySettings _settings;
    private readonly SessionOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);
    private readonly PartitionedRateLimiter<string> _signIns;

    public SessionTickets(IDataProtectionProvider protection, SecuritySettings settings, TimeProvider time)
    {
        _protector = protection.CreateProtector("Recommender.Session.v1").ToTimeLimitedDataProtector();
        _settings = settings;
        _options = settings.Options.Session;
        _time = time;
        _signIns = PartitionedRateLimiter.Create<string, string>(address =>
            RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = _options.SignInPermitLimit, Window = _options.SignInWindow, QueueLimit = 0, AutoReplenishment = true,
            }));
    }

    public TimeSpan SignInWindow => _options.SignInWindow;

    /// <summary>A new session for the key: the cookie's value and what it stands for.</summary>
    public (string Cookie, SignedInSession Session) Issue(ApiKeyIdentity key)
    {
        var session = new SignedInSession(Random(16), key, Random(32), _time.GetUtcNow() + _options.Lifetime);
        var payload = string.Join('\n', Version, session.Id, key.Name, key.Fingerprint, session.CsrfToken);
        return (_protector.Protect(payload, session.Expires), session);
    }

    /// <summary>The session a cookie stands for, or null: tampered, expired, signed out, or its key no longer configured.</summary>
    public SignedInSession? Read(string cookie)
    {
        string payload;
        DateTimeOffset expires;
        try { payload = _protector.Unprotect(cookie, out expires); }
        catch (CryptographicException) { return null; } // also an expired ticket, and one sealed by a key ring this process lacks
        var parts = payload.Split('\n');
        if (parts is not [Version, var id, var name, var fingerprint, var csrf] || _revoked.ContainsKey(id)) return null;
        return _settings.FindSession(name, fingerprint) is { } key ? new SignedInSession(id, key, csrf, expires) : null;
    }

    /// <summary>Sign-out: the ticket stops working here even if a copy of the cookie is replayed.</summary>
    public void Revoke(SignedInSession session)
    {
        var now = _time.GetUtcNow();
        foreach (var (id, expires) in _revoked)
            if (expires <= now) _revoked.TryRemove(id, out _);
        _revoked[session.Id] = session.Expires;
    }

    /// <summary>One sign-in attempt of this address's window (never waits).</summary>
    public RateLimitLease AcquireSignIn(IPAddress? remote) => _signIns.AttemptAcquire(remote?.ToString() ?? "unknown");

    /// <summary>HTTP-only, SameSite=Strict, for the whole site; Secure on HTTPS (or always, by configuration). No expiry: it ends with the browser session, the ticket after <see cref="SessionOptions.Lifetime"/>.</summary>
    public CookieOptions CookieOptions(HttpRequest request) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = _options.CookieSecure switch
        {
            CookieSecurePolicy.Always => true,
            CookieSecurePolicy.None => false,
            _ => request.IsHttps,
        },
        Path = "/",
        IsEssential = true,
    };

    /// <summary>Does the request echo the session's CSRF token (compared in constant time)?</summary>
    public static bool CarriesCsrfToken(HttpRequest request, SignedInSession session)
    {
        var sent = request.Headers[CsrfHeader];
        return sent.Count == 1 && sent[0] is { } token
            && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(token), System.Text.Encoding.UTF8.GetBytes(session.CsrfToken));
    }

    private static string Random(int bytes) => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(bytes));

    public void Dispose() => _signIns.Dispose();
}

public static class SessionHttpExtensions
{
    /// <summary>The browser session that authenticated this request, or null (a key header, or nobody).</summary>
    public static SignedInSession? SignedInSession(this HttpContext http) => http.Features.Get<SignedInSession>();
}
