namespace Gsv.Gateway;

/// <summary>
/// A figure over the current short window (e.g. 100 ms) and the one before it: how busy something was just now, to
/// size what is fetched ahead of demand (credit holds, rate-limit claims). Not thread-safe: used under its owner's lock.
/// </summary>
public struct RecentWindow
{
    private long _start;
    private int _current;
    private int _last;

    /// <summary>The larger of the last and the current window's figure.</summary>
    public readonly int Recent => Math.Max(_last, _current);

    /// <summary>Starts a new window when the current one is over; a whole window without a roll clears the last figure too.</summary>
    public void Roll(long now, long length)
    {
        if (now - _start >= length)
        {
            _last = now - _start >= 2 * length ? 0 : _current;
            (_current, _start) = (0, now);
        }
    }

    /// <summary>Counts one more in the current window.</summary>
    public void Add() => _current++;

    /// <summary>Raises the current window's figure to <paramref name="value"/> if it is higher (a peak).</summary>
    public void Raise(int value) => _current = Math.Max(_current, value);
}
