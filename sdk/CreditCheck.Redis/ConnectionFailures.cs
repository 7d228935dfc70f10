using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// What the client knows of its failing connections, for messages while nothing else has failed yet: the last
/// connection failure (endpoint, connection, failure type, the socket's or server's own words). Found from outside: a
/// host started on a dead port or with a refused password logged "no answer yet" after the start timeout, and its
/// checks said "no answer", while the first subscribe and snapshot still waited in the client's backlog.
/// </summary>
/// <remarks>Fed by the multiplexer's ConnectionFailed and ConnectionRestored, and, on a connection the store opens
/// itself, by the client's own error log (it is the client's <see cref="ConfigurationOptions.LoggerFactory"/>): the
/// failures of the first connect are raised before the store can subscribe to ConnectionFailed, and the client raises
/// no other until a connection succeeds. Thread-safe.</remarks>
internal sealed class ConnectionFailures : ILoggerFactory, ILogger
{
    private volatile Failure? _last;

    /// <summary>The last failure, e.g. <c>UnableToConnect on 127.0.0.1:6390/Interactive: Connection refused</c>;
    /// null when none was seen or the connection it names was restored since.</summary>
    public string? Last => _last?.Text;

    /// <summary>The endpoint of the last failure, or null.</summary>
    public EndPoint? LastEndPoint => _last?.EndPoint;

    public void Failed(ConnectionFailedEventArgs e) =>
        _last = new Failure($"{e.FailureType} on {RedisConnection.Format(e.EndPoint)}/{e.ConnectionType}{Detail(e.Exception)}", e.EndPoint, e.ConnectionType);

    public void Restored(ConnectionFailedEventArgs e)
    {
        if (_last is { } last && (last.EndPoint is null || (Equals(last.EndPoint, e.EndPoint) && last.Connection == e.ConnectionType)))
        {
            // Only that failure: one recorded meanwhile stays.
            Interlocked.CompareExchange(ref _last, null, last);
        }
    }

    /// <summary>A connection failure the client logged. Its <see cref="RedisConnectionException"/>'s message starts with
    /// what failed where (<c>UnableToConnect on 127.0.0.1:6390/Interactive, Initializing/NotStarted, last: …</c>); the rest
    /// are counters.</summary>
    private void Logged(Exception exception)
    {
        if (exception is RedisConnectionException connection)
        {
            var message = connection.Message;
            var cut = message.IndexOf(',', StringComparison.Ordinal);
            _last = new Failure((cut > 0 ? message[..cut] : message) + Detail(connection.InnerException), null, null);
        }
    }

    /// <summary>The innermost cause's own words (the socket's "Connection refused", the server's NOAUTH), after a colon;
    /// empty when there is none beyond what the failure type says.</summary>
    private static string Detail(Exception? exception)
    {
        if (exception is null)
        {
            return string.Empty;
        }

        var inner = exception;
        for (var depth = 0; inner.InnerException is not null && depth < 10; depth++)
        {
            inner = inner.InnerException;
        }

        if (ReferenceEquals(inner, exception) && exception is RedisConnectionException)
        {
            // Its message repeats the failure type and endpoint, then counters: nothing to add.
            return string.Empty;
        }

        return ": " + inner.Message;
    }

    private sealed record Failure(string Text, EndPoint? EndPoint, ConnectionType? Connection);

    // The client's logger: only its errors are wanted (enabled for nothing else, so it formats nothing else).
    ILogger ILoggerFactory.CreateLogger(string categoryName) => this;

    void ILoggerFactory.AddProvider(ILoggerProvider provider)
    {
    }

    void IDisposable.Dispose()
    {
    }

    IDisposable? ILogger.BeginScope<TState>(TState state) => null;

    bool ILogger.IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    void ILogger.Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Error && exception is not null)
        {
            Logged(exception);
        }
    }
}
