using System.Diagnostics;

namespace CreditCheck.Benchmarks.Support;

/// <summary>
/// What starting one SDK instance costs the host: the managed heap after a full collection before and after
/// (so only what the instance keeps), the large-object heap, the time to the first sync, and the peaks of
/// the managed heap and the working set while it synchronized (sampled every 2 ms on a thread of its own).
/// </summary>
internal sealed record HostMemory(
    long HeapGrowth, long LargeObjectHeapGrowth, long FilterBytes, double SyncSeconds, long PeakHeapGrowth, long PeakWorkingSetGrowth)
{
    /// <summary>What the instance keeps beyond its filter's bit array.</summary>
    public long BeyondFilter => HeapGrowth - FilterBytes;

    /// <summary>Runs <paramref name="start"/> (which returns once synchronized) and measures it.</summary>
    public static async Task<(T Started, HostMemory Memory)> MeasureAsync<T>(Func<Task<T>> start, Func<T, long> filterBytes)
    {
        var heapBefore = SettledHeap(out var lohBefore);
        var workingSetBefore = Environment.WorkingSet;
        using var sampler = new PeakSampler();
        var started = Stopwatch.GetTimestamp();
        var result = await start();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (peakHeap, peakWorkingSet) = sampler.Stop();
        var heapAfter = SettledHeap(out var lohAfter);
        return (result, new HostMemory(
            heapAfter - heapBefore, lohAfter - lohBefore, filterBytes(result), seconds,
            Math.Max(0, peakHeap - heapBefore), Math.Max(0, peakWorkingSet - workingSetBefore)));
    }

    /// <summary>The managed heap after a full, compacting collection, and its large-object part.</summary>
    public static long SettledHeap(out long largeObjects)
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        largeObjects = info.GenerationInfo.Length > 3 ? info.GenerationInfo[3].SizeAfterBytes : 0;
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>Samples the managed heap and the working set until stopped, keeping the highest of each.</summary>
    public sealed class PeakSampler : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _heap;
        private long _workingSet;

        public PeakSampler()
        {
            _thread = new Thread(() =>
            {
                // Bounded by time as well: ten minutes at most, whatever the caller does.
                var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 600);
                while (!_stop && Stopwatch.GetTimestamp() < deadline)
                {
                    _heap = Math.Max(_heap, GC.GetTotalMemory(false));
                    _workingSet = Math.Max(_workingSet, Environment.WorkingSet);
                    Thread.Sleep(2);
                }
            }) { IsBackground = true, Name = "peak-sampler" };
            _thread.Start();
        }

        public (long Heap, long WorkingSet) Stop()
        {
            _stop = true;
            _thread.Join();
            return (_heap, _workingSet);
        }

        public void Dispose()
        {
            if (!_stop)
            {
                Stop();
            }
        }
    }
}
