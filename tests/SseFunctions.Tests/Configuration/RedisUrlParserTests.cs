using System.Net;
using SseFunctions.Configuration;
using StackExchange.Redis;

namespace SseFunctions.Tests.Configuration;

public sealed class RedisUrlParserTests
{
    private const string Setting = "SSE_REDIS_URL";
    private const string Secret = "s3cr3t-Pa55";

    public static TheoryData<string> ValidValues => new()
    {
        "redis://host",
        "redis://host:6380",
        $"redis://:{Secret}@host:6380/2",
        $"redis://default:{Secret}@host",
        $"rediss://:{Secret}@host:6380",
        "localhost:6379",
        $"name.redis.cache.windows.net:6380,password={Secret},ssl=True,abortConnect=False",
        $"host,password={Secret},abortConnect=true",
    };

    public static TheoryData<string, string> MalformedValues => new()
    {
        { $"redis://:{Secret}@host:notaport", "not a valid URL" },
        { "redis://", "not a valid URL" },
        { $"redis://:{Secret}@:6379", "not a valid URL" },
        { $"redis://:{Secret}@host/notadb", "not a database number" },
        { $"redis://:{Secret}@host/2/3", "not a database number" },
        { $"redis://:{Secret}@host/-1", "not a database number" },
        { $"redis://{Secret[..4]}/{Secret[5..]}@host/0", "not a database number" },
        { $"host:6379,password={Secret},bogus=1", "neither a redis:// URL nor a StackExchange.Redis connection string" },
        { $"host:6379,password={Secret},ssl=maybe", "neither a redis:// URL nor a StackExchange.Redis connection string" },
        { $"password={Secret}", "names no host" },
        { $",password={Secret},ssl=True", "names no host" },
        { $"host:notaport,password={Secret}", "names no host" },
    };

    [Fact]
    public void A_bare_URL_uses_port_6379_without_TLS_password_or_database()
    {
        var options = Parse("redis://host");

        Assert.Equal("host:6379", Endpoint(options));
        Assert.False(options.Ssl);
        Assert.Null(options.Password);
        Assert.Null(options.DefaultDatabase);
    }

    [Fact]
    public void A_URL_port_is_used()
    {
        Assert.Equal("host:6380", Endpoint(Parse("redis://host:6380")));
    }

    [Fact]
    public void A_URL_password_and_database_are_used()
    {
        var options = Parse($"redis://:{Secret}@host:6380/2");

        Assert.Equal("host:6380", Endpoint(options));
        Assert.Equal(Secret, options.Password);
        Assert.Equal(2, options.DefaultDatabase);
    }

    [Fact]
    public void The_default_user_is_accepted()
    {
        var options = Parse($"redis://default:{Secret}@h");

        Assert.Equal("h:6379", Endpoint(options));
        Assert.Equal(Secret, options.Password);
    }

    [Fact]
    public void A_lone_user_info_part_is_the_password()
    {
        Assert.Equal(Secret, Parse($"redis://{Secret}@h").Password);
    }

    [Fact]
    public void An_ACL_user_and_its_password_are_used()
    {
        var options = Parse($"redis://alice:{Secret}@h");

        Assert.Equal("alice", options.User);
        Assert.Equal(Secret, options.Password);
    }

    [Theory]
    [InlineData("redis://h?protocol=resp3", RedisProtocol.Resp3)]
    [InlineData("redis://h/1?protocol=3", RedisProtocol.Resp3)]
    [InlineData("redis://h?protocol=RESP2", RedisProtocol.Resp2)]
    public void A_URL_protocol_is_used(string url, RedisProtocol protocol)
    {
        Assert.Equal(protocol, Parse(url).Protocol);
    }

    [Theory]
    [InlineData($"redis://:{Secret}@h?protocol=4", "neither resp2 nor resp3")]
    [InlineData($"redis://:{Secret}@h?timeout=5", "only 'protocol'")]
    public void A_URL_query_other_than_the_protocol_is_refused_without_echoing_the_password(string url, string reason)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Parse(url));

        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rediss://host", "host:6379")]
    [InlineData("rediss://cache.example.com:6380", "cache.example.com:6380")]
    [InlineData("REDISS://cache.example.com:6380", "cache.example.com:6380")]
    public void A_rediss_URL_turns_TLS_on_for_its_host(string url, string endpoint)
    {
        var options = Parse(url);

        Assert.True(options.Ssl);
        Assert.Equal(endpoint[..endpoint.IndexOf(':', StringComparison.Ordinal)], options.SslHost);
        Assert.Equal(endpoint, Endpoint(options));
    }

    [Theory]
    [InlineData("redis://:p%40ss%3Aw%2Frd%25@host", "p@ss:w/rd%")]
    [InlineData("redis://default:p%40ss%23word@host", "p@ss#word")]
    [InlineData("redis://:caf%C3%A9@host", "caf\u00e9")]
    public void A_percent_encoded_password_is_decoded(string url, string password)
    {
        Assert.Equal(password, Parse(url).Password);
    }

    [Fact]
    public void An_Azure_Cache_for_Redis_connection_string_is_used_as_it_is()
    {
        var options = Parse($"name.redis.cache.windows.net:6380,password={Secret},ssl=True,abortConnect=False");

        Assert.Equal("name.redis.cache.windows.net:6380", Endpoint(options));
        Assert.Equal(Secret, options.Password);
        Assert.True(options.Ssl);
    }

    [Fact]
    public void A_plain_host_and_port_is_a_connection_string()
    {
        var options = Parse("localhost:6379");

        Assert.Equal("localhost:6379", Endpoint(options));
        Assert.False(options.Ssl);
    }

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Start_up_never_aborts_on_a_failed_connect_and_the_connect_timeout_and_client_name_are_set(string value)
    {
        var options = RedisUrlParser.Parse(Setting, value, TimeSpan.FromSeconds(3));

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(3000, options.ConnectTimeout);
        Assert.Equal("SseFunctions", options.ClientName);
    }

    [Fact]
    public void A_client_name_in_a_connection_string_is_kept()
    {
        Assert.Equal("my-app", Parse("host,name=my-app").ClientName);
    }

    [Fact]
    public void Surrounding_whitespace_is_ignored()
    {
        Assert.Equal("host:6380", Endpoint(Parse("  redis://host:6380 \n")));
    }

    [Theory]
    [MemberData(nameof(MalformedValues))]
    public void A_malformed_value_is_refused_naming_the_setting_without_echoing_the_password(string value, string reason)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => RedisUrlParser.Parse("REDIS_URL", value, TimeSpan.FromSeconds(5)));

        Assert.StartsWith("The setting REDIS_URL is malformed", exception.Message, StringComparison.Ordinal);
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret[5..], exception.Message, StringComparison.Ordinal);
        Assert.Null(exception.InnerException);
    }

    private static ConfigurationOptions Parse(string value) => RedisUrlParser.Parse(Setting, value, TimeSpan.FromSeconds(5));

    private static string Endpoint(ConfigurationOptions options) => Assert.Single(options.EndPoints) switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        var other => other.ToString()!,
    };
}
