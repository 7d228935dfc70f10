using System.Buffers.Binary;
using System.Net.Sockets;
using CreditCheck.Server.Tests.Support;

namespace CreditCheck.Server.Tests;

/// <summary>Settings that bear on speed under load, and that configuration still decides.</summary>
public sealed class ServerTuningTests
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    [Fact(Timeout = 120_000)]
    public async Task Http2Connection_CarriesKestrels100ConcurrentCalls_OrAsManyAsConfigured()
    {
        await using (var server = await ServerProcess.StartAsync(new Dictionary<string, string>()))
        {
            Assert.Equal(100u, await MaxConcurrentStreamsAsync(server));
        }

        await using (var configured = await ServerProcess.StartAsync(new Dictionary<string, string> { ["CreditCheck__Server__MaxStreamsPerConnection"] = "1000" }))
        {
            Assert.Equal(1000u, await MaxConcurrentStreamsAsync(configured));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task RequestLogs_AreOff_UnlessTheirCategoryIsConfigured()
    {
        await using var quiet = await ServerProcess.StartAsync(new Dictionary<string, string>());
        await using var logging = await ServerProcess.StartAsync(new Dictionary<string, string> { ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information" });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // The request log is written after the answer: poll for it (bounded), then the quiet server has had as long.
        (await http.GetAsync(new Uri(quiet.BaseUrl + "/healthz"))).EnsureSuccessStatusCode();
        (await http.GetAsync(new Uri(logging.BaseUrl + "/healthz"))).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!logging.Output.Contains("Request finished", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Contains("Request finished", logging.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", quiet.Output, StringComparison.Ordinal);
    }

    /// <summary>Opens a prior-knowledge h2c connection and reads SETTINGS_MAX_CONCURRENT_STREAMS (0x3) from the
    /// server's first SETTINGS frame (RFC 9113 §6.5).</summary>
    private static async Task<uint> MaxConcurrentStreamsAsync(ServerProcess server)
    {
        var address = new Uri(server.BaseUrl);
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client.ConnectAsync(address.Host, address.Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Preface, timeout.Token);
        await stream.WriteAsync(new byte[] { 0, 0, 0, 0x4, 0, 0, 0, 0, 0 }, timeout.Token); // an empty SETTINGS frame
        var header = new byte[9];
        while (true)
        {
            await stream.ReadExactlyAsync(header, timeout.Token);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var payload = new byte[length];
            await stream.ReadExactlyAsync(payload, timeout.Token);
            if (header[3] != 0x4 || (header[4] & 0x1) != 0)
            {
                continue; // not SETTINGS, or an ACK
            }

            for (var i = 0; i + 6 <= payload.Length; i += 6)
            {
                if (BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(i)) == 0x3)
                {
                    return BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(i + 2));
                }
            }

            throw new InvalidOperationException("The server's SETTINGS frame does not limit concurrent streams.");
        }
    }
}
