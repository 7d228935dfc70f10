using System.Diagnostics;

namespace CreditCheck.Benchmarks.Compare;

/// <summary>Latency samples in Stopwatch ticks, reported in µs or ms.</summary>
internal sealed class Samples
{
    private readonly List<long> _ticks;

    public Samples(int capacity = 1024) => _ticks = new List<long>(capacity);

    public int Count => _ticks.Count;

    public void Add(long ticks) => _ticks.Add(ticks);

    public double PercentileMicroseconds(double p) => Percentile(p) * 1e6 / Stopwatch.Frequency;

    public double PercentileMilliseconds(double p) => Percentile(p) * 1e3 / Stopwatch.Frequency;

    private double Percentile(double p)
    {
        if (_ticks.Count == 0)
        {
            return double.NaN;
        }

        _ticks.Sort();

        // Nearest rank.
        var rank = (int)Math.Ceiling(p / 100 * _ticks.Count);
        return _ticks[Math.Clamp(rank - 1, 0, _ticks.Count - 1)];
    }
}

/// <summary>A loop bound: at most so many iterations and so much time.</summary>
internal readonly struct Bound
{
    private readonly long _deadline;

    public Bound(double seconds, long maxIterations)
    {
        _deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        MaxIterations = maxIterations;
    }

    public long MaxIterations { get; }

    public bool Done(long iterations) => iterations >= MaxIterations || Stopwatch.GetTimestamp() >= _deadline;
}
