namespace SseFunctions.Brokers;

/// <summary>
/// The Lua run inside Redis, so that assigning a position, storing the event and publishing it happen as one step:
/// the live event and the history always agree on its id and order.
/// </summary>
/// <remarks>
/// Every key a script touches is named in KEYS and shares one hash slot (<see cref="RedisKeyLayout"/>), so the scripts
/// run on a single Redis, a Redis Cluster and behind Azure Managed Redis's proxy alike. The event itself goes out by a
/// classic PUBLISH on the channel's own name, which a cluster forwards to every node, where Flask-SSE apps listen too.
/// </remarks>
internal static class RedisScripts
{
    /// <summary>
    /// KEYS[1] last position, KEYS[2] the channel's history stream, KEYS[3] first position; ARGV[1] channel, ARGV[2] the
    /// open envelope, ARGV[3] most entries kept, ARGV[4] longest age in milliseconds. Returns { id, subscribers }.
    /// </summary>
    /// <remarks>
    /// Positions are <c>milliseconds-sequence</c> from Redis's own clock, one counter for every channel, so they order
    /// events across channels. The first position is written once: a Redis that lost its data (restarted without
    /// persistence) writes it again, which tells readers that positions before it are unknown here. Trimming (exact, by
    /// count and by age, at most 1000 entries a publish) deletes with XDEL, not XTRIM: only XDEL records the stream's
    /// <c>max-deleted-entry-id</c> (Redis 7.0), by which a reader learns it missed events. A key expiring <c>ARGV[4]</c>
    /// after its newest event lets an idle channel's history vanish. The envelope's id writes its dash as <c>\u002d</c>,
    /// which marks it as the package's (<see cref="Events.EventPosition.JsonMarkedDash"/>).
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
        redis.call('SET', KEYS[3], id, 'NX')
        local envelope = ARGV[2] .. ',"id":"' .. string.format('%.0f\\u002d%.0f', ms, seq) .. '"}'
        redis.call('XADD', KEYS[2], id, 'e', envelope)
        local gone = {}
        local excess = redis.call('XLEN', KEYS[2]) - tonumber(ARGV[3])
        if excess > 0 then
          for _, entry in ipairs(redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', math.min(excess, 1000))) do gone[#gone + 1] = entry[1] end
        end
        local oldest = string.format('(%.0f-0', now - tonumber(ARGV[4]))
        for _, entry in ipairs(redis.call('XRANGE', KEYS[2], '-', oldest, 'COUNT', 1000)) do gone[#gone + 1] = entry[1] end
        if #gone > 0 then redis.call('XDEL', KEYS[2], unpack(gone)) end
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        return { id, redis.call('PUBLISH', ARGV[1], envelope) }
        """;

    /// <summary>
    /// KEYS[1] last position, KEYS[2] the channel's history stream, KEYS[3] first position; ARGV[1] read after this
    /// position, ARGV[2] most events, ARGV[3] most bytes of events (at least one event is returned). Returns { now in ms,
    /// last position or '', first position or '', stream exists 0/1, newest trimmed position or '', entries, more 0/1 }.
    /// </summary>
    /// <remarks>
    /// <c>max-deleted-entry-id</c> (Redis 7) names the newest event ever trimmed: if it is after the position asked
    /// for, the reader missed events. XRANGE's exclusive start <c>(</c> needs Redis 6.2. Entries are read eight at a
    /// time until the page is full, so a page of large events copies a few of them more than it returns, not a whole
    /// history: Redis runs one script at a time, and publishes wait behind it. The byte limit keeps a page of large
    /// events from filling the connection that publishes share.
    /// </remarks>
    public const string ReadHistory = """
        local t = redis.call('TIME')
        local now = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
        local last = redis.call('GET', KEYS[1]) or ''
        local first = redis.call('GET', KEYS[3]) or ''
        if redis.call('EXISTS', KEYS[2]) == 0 then return { now, last, first, 0, '', {}, 0 } end
        local info = redis.call('XINFO', 'STREAM', KEYS[2])
        local maxDeleted = ''
        for i = 1, #info, 2 do
          if info[i] == 'max-deleted-entry-id' then maxDeleted = info[i + 1] end
        end
        local maxEvents, maxBytes = tonumber(ARGV[2]), tonumber(ARGV[3])
        local page, bytes, more, start = {}, 0, 0, '(' .. ARGV[1]
        repeat
          local read = redis.call('XRANGE', KEYS[2], start, '+', 'COUNT', 8)
          for _, entry in ipairs(read) do
            local size = #entry[2][2]
            if #page > 0 and (#page == maxEvents or bytes + size > maxBytes) then more = 1; break end
            page[#page + 1] = entry
            bytes = bytes + size
          end
          if more == 1 or #read < 8 then break end
          start = '(' .. read[#read][1]
        until false
        return { now, last, first, 1, maxDeleted, page, more }
        """;
}
