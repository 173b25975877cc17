namespace SseFunctions.Brokers;

/// <summary>
/// The Lua run inside Redis, so that assigning a position, storing the event and publishing it happen as one step:
/// the live event and the history always agree on its id and order.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// KEYS[1] last position, KEYS[2] the channel's history stream; ARGV[1] channel, ARGV[2] the open envelope,
    /// ARGV[3] most entries kept, ARGV[4] longest age in milliseconds. Returns { id, subscribers }.
    /// </summary>
    /// <remarks>
    /// Positions are <c>milliseconds-sequence</c> from Redis's own clock, one counter for every channel, so they order
    /// events across channels. A key expiring <c>ARGV[4]</c> after its newest event lets an idle channel's history vanish.
    /// </remarks>
    public const string PublishWithHistory = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local ms, seq = now, 0
        local last = redis.call('GET', KEYS[1])
        if last then
          local lms, lseq = string.match(last, '^(%d+)%-(%d+)$')
          lms = tonumber(lms)
          if lms >= now then ms = lms; seq = tonumber(lseq) + 1 end
        end
        local id = string.format('%.0f-%.0f', ms, seq)
        redis.call('SET', KEYS[1], id)
        local envelope = ARGV[2] .. ',"id":"' .. id .. '"}'
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], id, 'e', envelope)
        redis.call('XTRIM', KEYS[2], 'MINID', '~', string.format('%.0f-0', now - tonumber(ARGV[4])))
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        return { id, redis.call('PUBLISH', ARGV[1], envelope) }
        """;

    /// <summary>
    /// KEYS[1] last position, KEYS[2] the channel's history stream; ARGV[1] read after this position.
    /// Returns { now in ms, last position or '', stream exists 0/1, newest trimmed position or '', entries }.
    /// </summary>
    /// <remarks>
    /// <c>max-deleted-entry-id</c> (Redis 7) names the newest event ever trimmed: if it is after the position asked
    /// for, the reader missed events. XRANGE's exclusive start <c>(</c> needs Redis 6.2.
    /// </remarks>
    public const string ReadHistory = """
        local t = redis.call('TIME')
        local now = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
        local last = redis.call('GET', KEYS[1]) or ''
        if redis.call('EXISTS', KEYS[2]) == 0 then return { now, last, 0, '', {} } end
        local info = redis.call('XINFO', 'STREAM', KEYS[2])
        local maxDeleted = ''
        for i = 1, #info, 2 do
          if info[i] == 'max-deleted-entry-id' then maxDeleted = info[i + 1] end
        end
        return { now, last, 1, maxDeleted, redis.call('XRANGE', KEYS[2], '(' .. ARGV[1], '+') }
        """;
}
