using System.Globalization;
using System.Security.Cryptography;
using CreditCheck.Platform.Protocol;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace CreditCheck.Platform;

/// <summary>Opens the gRPC channel to the platform and signs every call on it.</summary>
internal sealed class PlatformChannel : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly TimeProvider _time;

    public PlatformChannel(PlatformConnectionOptions options, TimeProvider? time = null)
    {
        options.Validate();
        Options = options;
        _time = time ?? TimeProvider.System;
        _channel = GrpcChannel.ForAddress(options.Address!, new GrpcChannelOptions
        {
            // Snapshot chunks and batches of feedback are larger than the 4 MB default allows at worst.
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
        });
        Client = new CreditPlatform.CreditPlatformClient(
            _channel.Intercept(new SigningInterceptor(options.ClientId, options.Secret, _time, options.Address!)));
    }

    public PlatformConnectionOptions Options { get; }

    public CreditPlatform.CreditPlatformClient Client { get; }

    /// <summary>The deadline of one unary call made now.</summary>
    public DateTime UnaryDeadline() => _time.GetUtcNow().UtcDateTime + Options.CallTimeout;

    public void Dispose() => _channel.Dispose();

    /// <summary>Signs every call, and notes an address that answered (headers came back): its scheme is right,
    /// so a later failure on it is not diagnosed as a wrong scheme (<see cref="PlatformFailure.SchemeMismatch"/>).</summary>
    private sealed class SigningInterceptor(string client, string secret, TimeProvider time, Uri address) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            var call = continuation(request, Signed(context));
            Watch(call.ResponseHeadersAsync);
            return call;
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            var call = continuation(request, Signed(context));
            Watch(call.ResponseHeadersAsync);
            return call;
        }

        private void Watch(Task<Metadata> headers) => headers.ContinueWith(
            (t, state) =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    PlatformFailure.Answer((Uri)state!);
                }
                else
                {
                    _ = t.Exception; // observed: the call itself reports the failure
                }
            },
            address,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        private ClientInterceptorContext<TRequest, TResponse> Signed<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class
        {
            var ms = time.GetUtcNow().ToUnixTimeMilliseconds();
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var headers = context.Options.Headers ?? [];
            headers.Add(PlatformSignature.ClientHeader, client);
            headers.Add(PlatformSignature.TimestampHeader, ms.ToString(CultureInfo.InvariantCulture));
            headers.Add(PlatformSignature.NonceHeader, nonce);
            headers.Add(PlatformSignature.SignatureHeader, PlatformSignature.Sign(secret, client, context.Method.FullName, ms, nonce));
            return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        }
    }
}
