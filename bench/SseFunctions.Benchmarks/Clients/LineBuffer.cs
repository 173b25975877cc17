namespace SseFunctions.Benchmarks.Clients;

/// <summary>The part of a line that arrived so far. Keeps only the start of an overlong line: all that is parsed.</summary>
internal sealed class LineBuffer(int capacity)
{
    private readonly byte[] _bytes = new byte[capacity];
    private int _length;

    public bool IsEmpty => _length == 0;

    public void Append(ReadOnlySpan<byte> part)
    {
        var take = Math.Min(_bytes.Length - _length, part.Length);
        part[..take].CopyTo(_bytes.AsSpan(_length));
        _length += take;
    }

    /// <summary>The whole line, valid until the next append; the buffer starts over.</summary>
    public ReadOnlySpan<byte> Take()
    {
        var line = _bytes.AsSpan(0, _length);
        _length = 0;
        return line;
    }
}
