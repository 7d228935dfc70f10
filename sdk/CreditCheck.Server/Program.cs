// The CreditCheck service interface (服务接口): HTTP/JSON and gRPC on one port, answered by the SDK.
// dotnet run --project sdk/CreditCheck.Server [-- --urls http://127.0.0.1:5090] [--data DIR] [--redis HOST:PORT --namespace NS]
return await CreditCheck.Server.ServerApp.RunAsync(args).ConfigureAwait(false);
