namespace CreditCheck.Server.Tests.Support;

/// <summary>One server process on the embedded store (samples/data) with the test clients configured, shared
/// by a test class; the Python gRPC stubs are generated once into a folder of its own.</summary>
public sealed class EmbeddedServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public string Stubs { get; } = Directory.CreateTempSubdirectory("creditcheck-stubs-").FullName;

    public async ValueTask InitializeAsync() => Server = await ServerProcess.StartAsync(Clients.Environment());

    /// <summary>The environment of a Python case calling as the client with this key.</summary>
    public Dictionary<string, string> For(string key, string? otherKey = null) => Environment(Server, Stubs, key, otherKey);

    public static Dictionary<string, string> Environment(ServerProcess server, string stubs, string key, string? otherKey = null) => new()
    {
        ["BASE_URL"] = server.BaseUrl,
        ["TARGET"] = server.Target,
        ["PROTO_DIR"] = Path.Combine(AppContext.BaseDirectory, "Protos"),
        ["STUBS"] = stubs,
        ["KEY"] = key,
        ["OTHER_KEY"] = otherKey ?? string.Empty,
        ["MAX_BATCH"] = Clients.MaxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MAX_BODY"] = Clients.MaxBody.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Stubs, recursive: true);
    }
}
