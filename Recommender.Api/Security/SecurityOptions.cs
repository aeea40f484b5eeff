using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Recommender.Api.Security;

/// <summary>
/// Who may call the API, bound from configuration section <c>Security</c>. Keys are required
/// outside the Development environment (or whenever <see cref="RequireApiKeys"/> is true).
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Null (default): required everywhere but in Development. True or false overrides the environment.</summary>
    public bool? RequireApiKeys { get; set; }

    /// <summary>Calls that need only <c>read</c> are allowed without a key (writes and admin actions still need one).</summary>
    public bool AllowAnonymousReads { get; set; }

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>Browser origins allowed to call the API cross-site (<c>https://shop.example</c>); none: same-origin only.</summary>
    public List<string> CorsOrigins { get; set; } = [];

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Browser sign-in with a key (<c>/api/v1/session</c>): the cookie and the limit on attempts.</summary>
    public SessionOptions Session { get; set; } = new();
}

/// <summary>
/// A browser cannot send <c>X-Api-Key</c> when it opens the page or the dashboard, so an operator
/// signs in once with a key and gets a cookie standing for it (<see cref="SessionTickets"/>).
/// </summary>
public sealed class SessionOptions
{
    /// <summary>How long a sign-in lasts; the cookie itself ends with the browser session.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// <c>SameAsRequest</c> (default): the cookie is <c>Secure</c> on HTTPS requests only, so sign-in
    /// also works on plain http to loopback. <c>Always</c> behind a TLS-terminating proxy that does
    /// not forward the scheme.
    /// </summary>
    public CookieSecurePolicy CookieSecure { get; set; } = CookieSecurePolicy.SameAsRequest;

    /// <summary>Sign-in attempts per <see cref="SignInWindow"/> and remote address, right or wrong.</summary>
    public int SignInPermitLimit { get; set; } = 10;
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Where the data-protection key ring that seals the cookies lives; empty: ASP.NET Core's default
    /// (<c>~/.aspnet/DataProtection-Keys</c>). API processes behind one address must share it.
    /// </summary>
    public string? KeysDirectory { get; set; }
}

public sealed class ApiKeyOptions
{
    /// <summary>The secret itself (at least 16 characters). Never logged: logs name the key by <see cref="Name"/>.</summary>
    public string Key { get; set; } = "";

    /// <summary>Who holds the key (shown in logs and used as the rate-limit partition).</summary>
    public string Name { get; set; } = "";

    /// <summary><c>read</c>, <c>write</c>, <c>admin</c> (admin includes the other two).</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>This key's requests per window, instead of <see cref="RateLimitOptions.PermitLimit"/>.</summary>
    public int? PermitLimit { get; set; }
}

/// <summary>A fixed window per API key (by name), or per remote IP address for calls without a key.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Null (default): on whenever keys are required.</summary>
    public bool? Enabled { get; set; }
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Requests per window for each API key.</summary>
    public int PermitLimit { get; set; } = 1000;
    /// <summary>
    /// Requests per window for each remote IP address calling without a (valid) key — on every
    /// route: reads, refused calls, the OpenAPI document, the page's files, unknown paths.
    /// </summary>
    public int AnonymousPermitLimit { get; set; } = 100;
    /// <summary>Health probes without a key: their own, generous window per address, so a busy page never fails an orchestrator's probe.</summary>
    public int ProbePermitLimit { get; set; } = 1000;
}

/// <summary>
/// What a valid key grants. <see cref="Fingerprint"/> stands for the secret in a session ticket: a
/// ticket names its key and proves it was issued for this secret, so a rotated key ends its sessions.
/// </summary>
public sealed record ApiKeyIdentity(string Name, IReadOnlySet<string> Scopes, int? PermitLimit, string Fingerprint);

/// <summary>
/// The validated, effective settings: whether keys are enforced, and the keys indexed by the
/// SHA-256 of their secret (a lookup never compares secrets character by character).
/// </summary>
public sealed partial class SecuritySettings
{
    public const int MinKeyLength = 16;
    public const int MaxKeyLength = 512;

    private readonly Dictionary<string, ApiKeyIdentity> _byHash;

    public SecurityOptions Options { get; }

    /// <summary>Keys (and scopes) are required: outside Development, or when configured so.</summary>
    public bool Enforced { get; }

    public bool RateLimited { get; }

    public int KeyCount => _byHash.Count;

    public SecuritySettings(SecurityOptions options, bool isDevelopment)
    {
        Options = options;
        Enforced = options.RequireApiKeys ?? !isDevelopment;
        RateLimited = options.RateLimit.Enabled ?? Enforced;
        var problems = Validate(options);
        if (problems.Count > 0)
            throw new InvalidOperationException("Invalid Security configuration: " + string.Join(" ", problems));
        _byHash = options.ApiKeys.ToDictionary(
            k => Hash(k.Key),
            k => new ApiKeyIdentity(k.Name, Expand(k.Scopes), k.PermitLimit, Fingerprint(k.Key)),
            StringComparer.Ordinal);
        _byName = _byHash.Values.ToDictionary(i => i.Name, StringComparer.Ordinal);
    }

    private readonly Dictionary<string, ApiKeyIdentity> _byName;

    /// <summary>The key a session ticket names, if it is still configured with the same secret.</summary>
    public ApiKeyIdentity? FindSession(string name, string fingerprint) =>
        _byName.GetValueOrDefault(name) is { } identity
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(identity.Fingerprint), Encoding.ASCII.GetBytes(fingerprint))
            ? identity : null;

    /// <summary>A one-way, domain-separated digest of the secret (not the lookup hash: a ticket never carries that).</summary>
    private static string Fingerprint(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("reco.session:" + key)), 0, 16);

    /// <summary>The key's identity, or null for an unknown key.</summary>
    public ApiKeyIdentity? Find(string presented) =>
        presented.Length is 0 or > MaxKeyLength ? null : _byHash.GetValueOrDefault(Hash(presented));

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static HashSet<string> Expand(IEnumerable<string> scopes)
    {
        var set = new HashSet<string>(scopes.Select(s => s.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        if (set.Contains(ApiScopes.Admin)) { set.Add(ApiScopes.Write); set.Add(ApiScopes.Read); }
        return set;
    }

    [GeneratedRegex("^[A-Za-z0-9_.@:-]{1,64}$")]
    private static partial Regex NamePattern();

    private static List<string> Validate(SecurityOptions o)
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.ApiKeys.Count; i++)
        {
            var k = o.ApiKeys[i];
            var at = $"Security:ApiKeys:{i}";
            // Name the entry, never echo the key.
            if (!NamePattern().IsMatch(k.Name ?? "")) problems.Add($"{at}:Name must be 1–64 characters from A–Z a–z 0–9 _ . @ : -.");
            else if (!names.Add(k.Name!)) problems.Add($"{at}:Name '{k.Name}' is used twice.");
            if (string.IsNullOrEmpty(k.Key) || k.Key.Length < MinKeyLength || k.Key.Length > MaxKeyLength || k.Key.Any(char.IsWhiteSpace) || k.Key.Any(char.IsControl))
                problems.Add($"{at}:Key (of '{k.Name}') must be {MinKeyLength}–{MaxKeyLength} characters without spaces.");
            else if (!keys.Add(k.Key)) problems.Add($"{at}:Key (of '{k.Name}') is the same as another key's.");
            if (k.Scopes.Count == 0) problems.Add($"{at}:Scopes (of '{k.Name}') is empty.");
            foreach (var scope in k.Scopes)
                if (!ApiScopes.All.Contains(scope.Trim().ToLowerInvariant()))
                    problems.Add($"{at}:Scopes (of '{k.Name}') has '{scope}'; allowed: {string.Join(", ", ApiScopes.All)}.");
            if (k.PermitLimit is <= 0) problems.Add($"{at}:PermitLimit must be positive.");
        }
        foreach (var origin in o.CorsOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
                problems.Add($"Security:CorsOrigins has '{origin}'; an origin is scheme://host[:port] without a path or trailing slash (no wildcards).");
        }
        if (o.RateLimit.Window <= TimeSpan.Zero) problems.Add("Security:RateLimit:Window must be positive.");
        if (o.RateLimit.PermitLimit <= 0 || o.RateLimit.AnonymousPermitLimit <= 0) problems.Add("Security:RateLimit permit limits must be positive.");
        if (o.Session.Lifetime <= TimeSpan.Zero) problems.Add("Security:Session:Lifetime must be positive.");
        if (o.Session.SignInPermitLimit <= 0 || o.Session.SignInWindow <= TimeSpan.Zero) problems.Add("Security:Session:SignInPermitLimit and SignInWindow must be positive.");
        return problems;
    }
}
