using System.Diagnostics;

namespace CreditCheck.Benchmarks.Compare;

/// <summary>What the measured batches cost beside their wall time: the process's CPU time (every thread, GC
/// included; less disturbed than the wall time by other processes on a loaded machine), the GC's pauses, the
/// bytes allocated and the collections of each generation, summed over the batches.</summary>
internal sealed class BatchCost
{
    private readonly Process _process = Process.GetCurrentProcess();
    private TimeSpan _cpu;
    private TimeSpan _pause;
    private long _bytes;
    private readonly int[] _collections = new int[3];

    public int Batches { get; private set; }

    public double CpuMillisecondsPerBatch => Batches == 0 ? double.NaN : _cpu.TotalMilliseconds / Batches;

    public double PauseMillisecondsPerBatch => Batches == 0 ? double.NaN : _pause.TotalMilliseconds / Batches;

    public double BytesPerBatch => Batches == 0 ? double.NaN : (double)_bytes / Batches;

    /// <summary>Collections of generation 0, 1 and 2 (a gen1 collection also counts as a gen0 one).</summary>
    public string Collections => $"gen0 {_collections[0]}, gen1 {_collections[1]}, gen2 {_collections[2]}";

    public Snapshot Before()
    {
        _process.Refresh();
        return new Snapshot(_process.TotalProcessorTime, GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }

    public void After(Snapshot before)
    {
        var after = Before();
        _cpu += after.Cpu - before.Cpu;
        _pause += after.Pause - before.Pause;
        _bytes += after.Bytes - before.Bytes;
        _collections[0] += after.Gen0 - before.Gen0;
        _collections[1] += after.Gen1 - before.Gen1;
        _collections[2] += after.Gen2 - before.Gen2;
        Batches++;
    }

    internal readonly record struct Snapshot(TimeSpan Cpu, TimeSpan Pause, long Bytes, int Gen0, int Gen1, int Gen2);
}
