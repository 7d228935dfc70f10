using Microsoft.Extensions.Logging;

namespace CreditCheck.Redis;

/// <summary>Log messages of the Redis store and publisher, with stable event ids (2000s).</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "Catalog {Version} published to namespace {Namespace} at sequence {Sequence}", EventName = "CatalogPublished")]
    public static partial void CatalogPublished(ILogger logger, string version, string @namespace, long sequence);

    [LoggerMessage(2002, LogLevel.Information, "List {List} imported into {Namespace}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Removed} removed; sequence {Sequence}", EventName = "ListImported")]
    public static partial void ListImported(ILogger logger, string list, string @namespace, int added, int updated, int unchanged, int removed, long sequence);

    [LoggerMessage(2003, LogLevel.Warning, "Could not discard the staged import of {List}; the next import collects it", EventName = "DiscardFailed")]
    public static partial void DiscardFailed(ILogger logger, Exception exception, string list);

    [LoggerMessage(2101, LogLevel.Information, "Synchronized with namespace {Namespace}: sequence {Sequence}, catalog {Version}, {Subjects} filter keys ({FilterBytes} bytes)", EventName = "Synchronized")]
    public static partial void Synchronized(ILogger logger, string @namespace, long sequence, string version, int subjects, long filterBytes);

    [LoggerMessage(2102, LogLevel.Warning, "Change feed of namespace {Namespace} failed{Shard}; retrying", EventName = "FeedFailed")]
    public static partial void FeedFailed(ILogger logger, Exception exception, string @namespace, string shard);

    [LoggerMessage(2142, LogLevel.Debug, "Change feed of namespace {Namespace} still failing ({Failures} times in a row): {Error}", EventName = "FeedStillFailing")]
    public static partial void FeedStillFailing(ILogger logger, string @namespace, int failures, string error);

    [LoggerMessage(2103, LogLevel.Information, "Full resync of namespace {Namespace}: {Reason}", EventName = "Resync")]
    public static partial void Resync(ILogger logger, string @namespace, string reason);

    [LoggerMessage(2104, LogLevel.Warning, "Redis could not answer a lookup of {Subject}: {Reason} ({Quiet} more lookups failed the same way since the last such warning)", EventName = "LookupFailed")]
    public static partial void LookupFailed(ILogger logger, string subject, string reason, int quiet);

    [LoggerMessage(2143, LogLevel.Debug, "Redis could not answer a lookup of {Subject} either ({Quiet} since the last warning): {Reason}", EventName = "LookupStillFailing")]
    public static partial void LookupStillFailing(ILogger logger, string subject, int quiet, string reason);

    [LoggerMessage(2105, LogLevel.Warning, "Namespace {Namespace} was not synchronized within {Timeout}; checks are decided by the unavailability policy until it is: {Reason}", EventName = "NotReady")]
    public static partial void NotReady(ILogger logger, string @namespace, TimeSpan timeout, string reason);

    [LoggerMessage(2107, LogLevel.Error, "List data of namespace {Namespace} is damaged; subjects found in no entry are decided by the unavailability policy until it is repaired (a replace import of the damaged list's full export; creditcheck status shows each list's state): {Damage}", EventName = "ListDataDamaged")]
    public static partial void ListDataDamaged(ILogger logger, string @namespace, string damage);

    [LoggerMessage(2108, LogLevel.Information, "List data of namespace {Namespace} is whole again", EventName = "ListDataRestored")]
    public static partial void ListDataRestored(ILogger logger, string @namespace);

    [LoggerMessage(2150, LogLevel.Error, "Namespace {Namespace} is behind its credit platform; subjects it does not list are decided by the unavailability policy until the platform link catches up: {Behind}", EventName = "BehindPlatform")]
    public static partial void BehindPlatform(ILogger logger, string @namespace, string behind);

    [LoggerMessage(2151, LogLevel.Information, "Namespace {Namespace} has caught up with its credit platform", EventName = "CaughtUpWithPlatform")]
    public static partial void CaughtUpWithPlatform(ILogger logger, string @namespace);

    [LoggerMessage(2152, LogLevel.Warning, "Namespace {Namespace} went back from change sequence {Applied}, which this host had applied, to {Sequence}: the changes after {Sequence} are no longer in Redis (a failover lost writes that had not reached the replica, or the data was restored from an older copy). Those this host applied: {Lost}. Make them again (run the imports again, repeat the single changes): until then a list whose import was lost is damage, and the subject of a lost single change is answered by the unavailability policy", EventName = "ChangesLost")]
    public static partial void ChangesLost(ILogger logger, string @namespace, long applied, long sequence, string lost);

    [LoggerMessage(2153, LogLevel.Warning, "Namespace {Namespace} holds no data of the catalog's list(s) {Lists} (never imported, or not followed from the credit platform): subjects on them are answered as not listed, and each decision names them in ListsNotHeld. Import them (creditcheck import) unless the namespace is meant to hold only some lists", EventName = "ListsNotHeld")]
    public static partial void ListsNotHeld(ILogger logger, string @namespace, string lists);

    [LoggerMessage(2109, LogLevel.Warning, "Namespace {Namespace} was written by a publisher without manifests: its filter sources cannot be verified until a current publisher connects", EventName = "ListDataUnverified")]
    public static partial void ListDataUnverified(ILogger logger, string @namespace);

    [LoggerMessage(2110, LogLevel.Warning, "Redis evicts keys under memory pressure (maxmemory-policy {Policy}); set it to noeviction: an evicted list would make listed subjects look clean (this store detects it and degrades)", EventName = "EvictionPolicy")]
    public static partial void EvictionPolicy(ILogger logger, string policy);

    [LoggerMessage(2111, LogLevel.Error, "Subjects' entry hashes in namespace {Namespace} may be missing; a subject the local filter holds whose entry hash reads empty is decided by the unavailability policy until the data is verified whole (creditcheck verify): {Damage}", EventName = "EntryDataDamaged")]
    public static partial void EntryDataDamaged(ILogger logger, string @namespace, string damage);

    [LoggerMessage(2112, LogLevel.Information, "Subjects' entry hashes in namespace {Namespace} are verified whole again", EventName = "EntryDataRestored")]
    public static partial void EntryDataRestored(ILogger logger, string @namespace);

    [LoggerMessage(2106, LogLevel.Error, "An entry of {Subject} in namespace {Namespace} is unreadable: {Field}: {Reason}", EventName = "UnreadableEntry")]
    public static partial void UnreadableEntry(ILogger logger, string subject, string @namespace, string field, string reason);

    [LoggerMessage(2120, LogLevel.Debug, "A replica of namespace {Namespace} is at sequence {ReplicaSequence}, behind this host's {Applied}: the lookup is read again on the primary", EventName = "ReplicaBehind")]
    public static partial void ReplicaBehind(ILogger logger, string @namespace, long replicaSequence, long applied);

    [LoggerMessage(2121, LogLevel.Debug, "A replica of namespace {Namespace} could not answer a lookup ({Reason}): it is read again on the primary", EventName = "ReplicaReadFailed")]
    public static partial void ReplicaReadFailed(ILogger logger, string @namespace, string reason);

    [LoggerMessage(2130, LogLevel.Warning, "Replica reads of namespace {Namespace} are suspended for {Backoff}: a replica could not answer ({Reason}); lookups go to the primary meanwhile", EventName = "ReplicaReadsSuspended")]
    public static partial void ReplicaReadsSuspended(ILogger logger, string @namespace, TimeSpan backoff, string reason);

    [LoggerMessage(2131, LogLevel.Information, "Replica reads of namespace {Namespace} are resumed: a replica answered again", EventName = "ReplicaReadsResumed")]
    public static partial void ReplicaReadsResumed(ILogger logger, string @namespace);

    [LoggerMessage(2132, LogLevel.Warning, "The resync of namespace {Namespace} started over {Restarts} times in a row while imports committed; reading the filter sources in one consistent step", EventName = "ResyncConsistentStep")]
    public static partial void ResyncConsistentStep(ILogger logger, string @namespace, int restarts);

    [LoggerMessage(2133, LogLevel.Debug, "Namespace {Namespace}: {Subjects} subject(s) read again with the node's committed generations (Redis committed an import this host has not applied yet)", EventName = "ReadAhead")]
    public static partial void ReadAhead(ILogger logger, string @namespace, int subjects);

    [LoggerMessage(2134, LogLevel.Debug, "Namespace {Namespace}: {Subjects} subject(s) read key by key on the primary (the namespace's cluster slot is being moved and its keys are split between two nodes)", EventName = "ReadApart")]
    public static partial void ReadApart(ILogger logger, string @namespace, int subjects);

    [LoggerMessage(2135, LogLevel.Debug, "Namespace {Namespace}: the integrity check waits until the move of its cluster slot is done; the change sequence, read as the cluster redirects it, still confirms this host is current", EventName = "VerifyDeferred")]
    public static partial void VerifyDeferred(ILogger logger, string @namespace);

    [LoggerMessage(2140, LogLevel.Warning, "Feedback of namespace {Namespace} ({Records} records in {Key}) was confirmed by {Acknowledged} of {Asked} replicas within {Timeout} ({Connected}); it stays queued and is retried", EventName = "FeedbackNotReplicated")]
    public static partial void FeedbackNotReplicated(ILogger logger, string @namespace, int records, string key, long acknowledged, int asked, TimeSpan timeout, string connected);

    [LoggerMessage(2141, LogLevel.Information, "Feedback of namespace {Namespace}: {Records} unconfirmed records appended again, on {Primary} (were on {Previous}): the primary no longer held them (a failover lost what the old one had appended)", EventName = "FeedbackAppendedAgain")]
    public static partial void FeedbackAppendedAgain(ILogger logger, string @namespace, int records, string previous, string primary);

    [LoggerMessage(2154, LogLevel.Warning, "Feedback of namespace {Namespace} was appended without the key index {Index}: the SDK's Redis user may not run XRANGE, ZSCORE, ZREMRANGEBYSCORE or ZADD on it (an ACL set up for an older version; see RedisAcl.SdkCommands), so a measure reported again through another host is stored again. Delivery goes on; grant the commands to store each key once", EventName = "FeedbackNotIndexed")]
    public static partial void FeedbackNotIndexed(ILogger logger, string @namespace, string index);
}
