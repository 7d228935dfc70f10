using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace CreditCheck.Cli;

/// <summary>Where a command writes: tables for people, JSON for scripts, errors to standard error.</summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>For JSON lines and files: one line each, Chinese kept readable (no <c>\u</c> escapes).</summary>
    public static JsonSerializerOptions JsonLineOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public CliOutput(TextWriter output, TextWriter error, bool interactive)
    {
        Out = output;
        Error = error;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            Console.Profile.Width = 160;
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool Interactive { get; }

    public IAnsiConsole Console { get; }

    public void WriteJson(JsonNode node) => Out.WriteLine(node.ToJsonString(JsonOptions));

    public void Fail(string message) => Error.WriteLine($"creditcheck: {message}");
}
