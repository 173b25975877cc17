using System.Globalization;

namespace SseFunctions.Benchmarks.Load;

/// <summary>Another process's resident memory and CPU time, read from <c>/proc</c> (Linux).</summary>
internal static class ProcessStats
{
    // USER_HZ, the unit of utime and stime in /proc/<pid>/stat, is 100 on every Linux ABI .NET runs on.
    private const double ClockTicksPerSecond = 100;

    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS.");
    }

    public static TimeSpan CpuTime(int pid)
    {
        // The command name in parentheses may hold spaces: the fields are counted after its closing parenthesis.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    /// <summary>The time a core spent busy with anything (user, system, interrupts, steal), from <c>/proc/stat</c>.</summary>
    public static TimeSpan CoreBusyTime(int core)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"cpu{core} ");
        var line = File.ReadLines("/proc/stat").First(line => line.StartsWith(prefix, StringComparison.Ordinal));
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // user nice system idle iowait irq softirq steal
        long[] busy = [1, 2, 3, 6, 7, 8];
        var ticks = busy.Sum(index => long.Parse(fields[index], CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }
}
