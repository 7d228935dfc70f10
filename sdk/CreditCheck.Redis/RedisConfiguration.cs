using System.Globalization;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Reads a Redis connection setting in either form hosts use: a StackExchange.Redis configuration
/// string (<c>10.0.0.5:6379,user=cc,password=…,ssl=true</c>, several endpoints for a cluster) or a
/// URL (<c>redis://user:password@host:port/database</c>; <c>rediss://</c> for TLS; a cluster's nodes
/// separated by commas: <c>redis://user:password@10.0.0.5:7000,10.0.0.6:7000,10.0.0.7:7000</c>).
/// </summary>
public static class RedisConfiguration
{
    /// <summary>Parses <paramref name="text"/> into StackExchange.Redis options.</summary>
    /// <param name="text">A configuration string or a <c>redis://</c> / <c>rediss://</c> URL.</param>
    /// <returns>The options; the caller may still change them.</returns>
    /// <exception cref="ArgumentException">The setting is empty or not a valid configuration or URL; the
    /// message names the part that is wrong.</exception>
    public static ConfigurationOptions Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        text = text.Trim();
        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return ParseUrl(text);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Redis setting '{Masked(text)}' has an unknown scheme: use redis:// or rediss://, or a configuration string such as 127.0.0.1:6379.", nameof(text));
        }

        try
        {
            return ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Redis configuration '{Masked(text)}' is invalid: {e.Message}", nameof(text), e);
        }
    }

    /// <summary>The setting with any password replaced by <c>***</c>, for messages and logs.</summary>
    /// <param name="text">A configuration string or URL.</param>
    /// <returns>The text without its secret.</returns>
    public static string Masked(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains("://", StringComparison.Ordinal))
        {
            // user:password@ keeps the user; a lone secret@ is the default user's password, as Parse reads it.
            var start = text.IndexOf("://", StringComparison.Ordinal) + 3;
            var at = text.LastIndexOf('@');
            if (at < start)
            {
                return text;
            }

            var colon = text.IndexOf(':', start, at - start);
            return string.Concat(text.AsSpan(0, colon < 0 ? start : colon + 1), "***", text.AsSpan(at));
        }

        return string.Join(',', text.Split(',').Select(part =>
            part.TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? "password=***" : part));
    }

    /// <summary>Which part of a URL that does not parse is wrong, when it can be told: the host or the port.</summary>
    private static string WhatIsWrong(string text)
    {
        var (start, end) = HostsOf(text);
        var hostPort = text[start..end];
        var colon = hostPort.StartsWith('[') ? hostPort.IndexOf("]:", StringComparison.Ordinal) + 1 : hostPort.LastIndexOf(':');
        var host = colon > 0 ? hostPort[..colon] : hostPort;
        if (host.Length == 0 || host == "[]")
        {
            return ": the host is missing";
        }

        var port = colon > 0 ? hostPort[(colon + 1)..] : null;
        return port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            ? $": the port '{port}' is not a number from 1 to 65535"
            : string.Empty;
    }

    /// <summary>Where a URL's hosts are: after the scheme and any user info, up to the path, query or fragment.</summary>
    private static (int Start, int End) HostsOf(string text)
    {
        var authorityStart = text.IndexOf("://", StringComparison.Ordinal) + 3;
        var authorityEnd = text.IndexOfAny(['/', '?', '#'], authorityStart) is var end and >= 0 ? end : text.Length;
        var hostsStart = text.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart) + 1 is var at and > 0 ? at : authorityStart;
        return (hostsStart, authorityEnd);
    }

    private static ConfigurationOptions ParseUrl(string text)
    {
        // Several hosts (a cluster's seed nodes): the URL of the first is read as usual, the others join it.
        var (hostsStart, authorityEnd) = HostsOf(text);
        var hosts = text[hostsStart..authorityEnd].Split(',');
        if (hosts.Length > 1)
        {
            var first = ParseUrl(string.Concat(text.AsSpan(0, hostsStart), hosts[0], text.AsSpan(authorityEnd)));
            first.SslHost = null; // each node's certificate is checked against its own host name
            foreach (var host in hosts.Skip(1))
            {
                ConfigurationOptions? node = null;
                try
                {
                    node = host.Length == 0 || host.IndexOfAny(['@', '/']) >= 0 ? null : ParseUrl("redis://" + host);
                }
                catch (ArgumentException)
                {
                    // named below
                }

                first.EndPoints.Add(node?.EndPoints[0] ?? throw new ArgumentException(
                    $"Redis URL '{Masked(text)}': '{host}' is not the host[:port] of a cluster node (redis://[user[:password]@]host1:port1,host2:port2[/database]).", nameof(text)));
            }

            return first;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"Redis URL '{Masked(text)}' is not a valid URL{WhatIsWrong(text)} (redis://[user[:password]@]host[:port][/database]).", nameof(text));
        }

        var options = new ConfigurationOptions
        {
            Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase),
        };
        var port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
        options.EndPoints.Add(uri.Host.Trim('[', ']'), port);
        if (options.Ssl)
        {
            options.SslHost = uri.Host;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            var password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            if (password is null)
            {
                // redis://secret@host is the password of the default user, as redis-cli -u reads it.
                options.Password = user;
            }
            else
            {
                options.User = user.Length == 0 ? null : user;
                options.Password = password;
            }
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var database) || database > 15_999)
            {
                throw new ArgumentException($"Redis URL '{Masked(text)}': the path '/{path}' must be a database number.", nameof(text));
            }

            options.DefaultDatabase = database;
        }

        return options;
    }
}
