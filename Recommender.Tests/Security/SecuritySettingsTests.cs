using Recommender.Api.Security;

namespace Recommender.Tests.Security;

/// <summary>Configuration mistakes stop the start with a message naming the entry, never the key.</summary>
public sealed class SecuritySettingsTests
{
    private static SecurityOptions With(params ApiKeyOptions[] keys) => new() { ApiKeys = [.. keys] };
    private static ApiKeyOptions Key(string name, string key, params string[] scopes) => new() { Name = name, Key = key, Scopes = [.. scopes] };

    [Theory]
    [InlineData("short-secret", "read")]          // under 16 characters
    [InlineData("long-enough-secret-1", "delete")] // unknown scope
    [InlineData("long enough secret 1", "read")]   // spaces
    public void An_invalid_key_entry_is_refused_without_echoing_the_key(string key, string scope)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new SecuritySettings(With(Key("svc", key, scope)), isDevelopment: false));
        Assert.Contains("Security:ApiKeys:0", error.Message);
        Assert.DoesNotContain(key, error.Message);
    }

    [Fact]
    public void Names_and_keys_are_unique()
    {
        Assert.Throws<InvalidOperationException>(() => new SecuritySettings(With(Key("a", "aaaaaaaaaaaaaaaa1", "read"), Key("A", "aaaaaaaaaaaaaaaa2", "read")), false));
        Assert.Throws<InvalidOperationException>(() => new SecuritySettings(With(Key("a", "aaaaaaaaaaaaaaaa1", "read"), Key("b", "aaaaaaaaaaaaaaaa1", "read")), false));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://shop.example/")]
    [InlineData("shop.example")]
    [InlineData("https://shop.example/path")]
    public void A_CORS_origin_is_an_exact_origin(string origin)
    {
        Assert.Throws<InvalidOperationException>(() => new SecuritySettings(new SecurityOptions { CorsOrigins = [origin] }, false));
    }

    [Fact]
    public void Keys_are_required_outside_Development_unless_configured_otherwise()
    {
        Assert.True(new SecuritySettings(new SecurityOptions(), isDevelopment: false).Enforced);
        Assert.False(new SecuritySettings(new SecurityOptions(), isDevelopment: true).Enforced);
        Assert.True(new SecuritySettings(new SecurityOptions { RequireApiKeys = true }, isDevelopment: true).Enforced);
        Assert.False(new SecuritySettings(new SecurityOptions { RequireApiKeys = false }, isDevelopment: false).Enforced);
    }

    [Fact]
    public void Admin_includes_read_and_write_and_an_unknown_key_is_nobody()
    {
        var settings = new SecuritySettings(With(Key("ops", "0123456789abcdef-ops", "Admin")), false);
        var ops = settings.Find("0123456789abcdef-ops");
        Assert.NotNull(ops);
        Assert.Equal(["admin", "read", "write"], ops!.Scopes.Order());
        Assert.Null(settings.Find("0123456789abcdef-op"));
        Assert.Null(settings.Find(""));
        Assert.Null(settings.Find(new string('x', 10_000)));
    }
}
