using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Recommender.Silo.Hosting;
using Recommender.Silo.Storage;
using Recommender.Tests.Infrastructure;
using StackExchange.Redis;

namespace Recommender.Tests.Storage;

/// <summary>
/// The embedded Garnet listens on loopback, where any local process can connect: it refuses every
/// command until a client authenticates with the data directory's password (a 0600 file only the
/// service's user can read), and the service's own connections carry it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are the point
public sealed class EmbeddedGarnetPasswordTests
{
    /// <summary>One RESP exchange on a raw socket, as redis-cli or any local process would talk.</summary>
    private sealed class RawClient : IDisposable
    {
        private readonly TcpClient _tcp = new();
        private NetworkStream _stream = null!;

        public static async Task<RawClient> ConnectAsync(int port)
        {
            var client = new RawClient();
            await client._tcp.ConnectAsync(IPAddress.Loopback, port);
            client._stream = client._tcp.GetStream();
            return client;
        }

        public async Task<string> SendAsync(params string[] parts)
        {
            var command = new StringBuilder($"*{parts.Length}\r\n");
            foreach (var part in parts) command.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(command.ToString()));
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var read = await _stream.ReadAsync(buffer, timeout.Token);
            return Encoding.UTF8.GetString(buffer, 0, read).TrimEnd('\r', '\n');
        }

        public void Dispose() => _tcp.Dispose();
    }

    [Fact]
    public async Task Without_the_password_every_command_is_refused_with_it_the_store_answers()
    {
        using var store = new GarnetStore();

        using (var stranger = await RawClient.ConnectAsync(store.Port))
        {
            Assert.StartsWith("-NOAUTH", await stranger.SendAsync("PING"));
            Assert.StartsWith("-NOAUTH", await stranger.SendAsync("KEYS", "*"));
            Assert.StartsWith("-NOAUTH", await stranger.SendAsync("FLUSHALL"));
            Assert.StartsWith("-", await stranger.SendAsync("AUTH", "not-the-password"));
            Assert.StartsWith("-NOAUTH", await stranger.SendAsync("GET", "anything"));
        }

        var password = await File.ReadAllTextAsync(Path.Combine(store.DataDir, EmbeddedGarnet.PasswordFileName));
        Assert.Matches("^[0-9a-f]{64}$", password);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(store.DataDir, EmbeddedGarnet.PasswordFileName)));
        using (var owner = await RawClient.ConnectAsync(store.Port))
        {
            Assert.Equal("+OK", await owner.SendAsync("AUTH", password));
            Assert.Equal("+PONG", await owner.SendAsync("PING"));
        }

        // StackExchange.Redis, as the service connects: without the password nothing works, with it everything does.
        var bare = ConfigurationOptions.Parse($"127.0.0.1:{store.Port}");
        bare.AbortOnConnectFail = false;
        bare.ConnectTimeout = 2000;
        bare.ConnectRetry = 0;
        using (var anonymous = await ConnectionMultiplexer.ConnectAsync(bare))
        {
            var refused = await Record.ExceptionAsync(() => anonymous.GetDatabase().StringSetAsync("pw-test", "x"));
            Assert.NotNull(refused);
            Assert.True(refused is RedisConnectionException or RedisServerException, refused.ToString());
        }
        using (var service = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString))
        {
            await service.GetDatabase().StringSetAsync("pw-test", "x");
            Assert.Equal("x", (string?)await service.GetDatabase().StringGetAsync("pw-test"));
        }
    }

    [Fact]
    public async Task The_password_belongs_to_the_data_directory_and_survives_a_restart()
    {
        using var store = new GarnetStore();
        var before = store.ConnectionString;
        store.Stop();
        store.Start();
        Assert.Equal(before, store.ConnectionString);
        using (var service = await ConnectionMultiplexer.ConnectAsync(before))
            Assert.True(await service.GetDatabase().PingAsync() >= TimeSpan.Zero);

        // Another data directory, another password.
        using var other = new GarnetStore();
        Assert.NotEqual(
            await File.ReadAllTextAsync(Path.Combine(store.DataDir, EmbeddedGarnet.PasswordFileName)),
            await File.ReadAllTextAsync(Path.Combine(other.DataDir, EmbeddedGarnet.PasswordFileName)));

        // A password file others could read is narrowed back to 0600 at the next start.
        store.Stop();
        var file = Path.Combine(store.DataDir, EmbeddedGarnet.PasswordFileName);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        store.Start();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task The_services_own_connections_authenticate_and_a_stranger_is_refused()
    {
        await using var server = await ApiServer.StartAsync();
        var garnet = server.Services.GetRequiredService<RecommenderStore>().Garnet!;
        var response = await server.HttpClient.PostAsJsonAsync("/api/v1/events", new { userId = "pw-user", itemId = "pw-item", type = "like" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await server.HttpClient.GetAsync("/api/v1/users/pw-user")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.HttpClient.GetAsync("/health/ready")).StatusCode);

        using var stranger = await RawClient.ConnectAsync(garnet.Port);
        Assert.StartsWith("-NOAUTH", await stranger.SendAsync("KEYS", "*"));
        Assert.StartsWith("-NOAUTH", await stranger.SendAsync("FLUSHALL"));
        Assert.Equal(HttpStatusCode.OK, (await server.HttpClient.GetAsync("/api/v1/users/pw-user")).StatusCode);
    }
}
