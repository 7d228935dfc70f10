using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ServiceHall;

/// <summary>
/// ASP.NET Core's form reader refuses a field holding U+0000 (<c>%00</c>) with
/// <see cref="InvalidDataException"/>, and the page would answer a bare HTTP 400 the clerk cannot read.
/// An identifier pasted with a NUL is a mistake like any other invisible character, so this reads such
/// a form itself, keeps the character, and lets the page name it and its position in Chinese.
/// </summary>
internal sealed class TolerantFormReader(RequestDelegate next, ILogger<TolerantFormReader> logger)
{
    // The hall's forms are a few short fields; anything larger is not one of them.
    private const int MaxFormBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.HasFormContentType
            || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            await next(context);
            return;
        }

        request.EnableBuffering(MaxFormBytes);
        try
        {
            await request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException e) when (request.ContentLength is null or <= MaxFormBytes)
        {
            request.Body.Position = 0;
            using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            var raw = await reader.ReadToEndAsync(context.RequestAborted);
            HallLog.FormReadTolerantly(logger, e.Message);
            context.Features.Set<IFormFeature>(new FormFeature(Parse(raw)));
        }

        await next(context);
    }

    private static FormCollection Parse(string raw)
    {
        var fields = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in raw.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = WebUtility.UrlDecode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : WebUtility.UrlDecode(pair[(equals + 1)..]);
            fields[key] = fields.TryGetValue(key, out var existing) ? StringValues.Concat(existing, value) : new StringValues(value);
        }

        return new FormCollection(fields);
    }
}
