using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CreditCheck;

/// <summary>Plugs the embedded in-memory store into the builder.</summary>
public static class InMemoryStoreBuilderExtensions
{
    /// <summary>Uses the embedded in-memory store, seeded from <see cref="InMemoryStoreOptions.DataDirectory"/>
    /// when set. Also registers it as <see cref="ICreditPublisher"/> so the host can change lists at run time,
    /// and an <see cref="InMemoryFeedbackStore"/> (also <see cref="IFeedbackReader"/>) that feedback is delivered to.
    /// Check counts, commitments (<see cref="ICreditCommitments"/>) and delivered feedback are kept in
    /// <see cref="InMemoryStoreOptions.StateDirectory"/>, by default <c>DataDirectory/.creditcheck</c> when a data folder
    /// is set, else in the process.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="configure">Sets <see cref="InMemoryStoreOptions"/>; optional.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder UseInMemory(this CreditCheckBuilder builder, Action<InMemoryStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<InMemoryStoreOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InMemoryStoreOptions>, InMemoryStoreOptionsValidator>());
        builder.Services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<InMemoryStoreOptions>>().Value;
            var store = InMemoryStoreSeeder.Create(settings, out var files);
            if (settings.DataDirectory is { } directory)
            {
                var logger = (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<InMemoryCreditStore>();
                Log.InMemorySeeded(logger, store.EntryCount, files, directory, store.Catalog.Version);
            }

            return store;
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<ICreditStore>(sp => sp.GetRequiredService<InMemoryCreditStore>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<ICreditPublisher>(sp => sp.GetRequiredService<InMemoryCreditStore>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<CheckCounter>(sp => new InMemoryCheckCounter(
            StateFolder(sp), sp.GetRequiredService<TimeProvider>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<ICommitmentStore>(sp => new InMemoryCommitmentStore(StateFolder(sp))));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InMemoryStoreStartup>());
        builder.Services.TryAddSingleton(sp =>
        {
            if (StateFolder(sp) is not { } state)
            {
                return new InMemoryFeedbackStore();
            }

            var feedback = new InMemoryFeedbackStore(Path.Combine(state, InMemoryFeedbackStore.FileName));
            var logger = (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<InMemoryFeedbackStore>();
            foreach (var problem in feedback.LoadProblems)
            {
                Log.FeedbackFileDamaged(logger, problem);
            }

            return feedback;
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<IFeedbackSink>(sp => sp.GetRequiredService<InMemoryFeedbackStore>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IFeedbackReader>(sp => sp.GetRequiredService<InMemoryFeedbackStore>()));
        return builder;
    }

    private static string? StateFolder(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<InMemoryStoreOptions>>().Value;
        return options.StateDirectory is { Length: > 0 } state ? Path.GetFullPath(state)
            : options.DataDirectory is { } directory ? InMemoryCommitmentStore.StateFolder(directory)
            : null;
    }
}

/// <summary>Loads the store's data when the host starts: a bad seed row then fails the start, naming the row, not
/// the first check with an error the caller cannot act on (found from outside: a service answered every check with
/// a bare 500). Asks for whatever store is registered, so a later <c>UseRedis</c> loads no unused data.</summary>
internal sealed class InMemoryStoreStartup(ICreditStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(store); // resolved, hence loaded, by now
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
