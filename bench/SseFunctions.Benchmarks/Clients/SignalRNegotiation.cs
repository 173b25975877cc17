using System.Net.Http.Headers;
using System.Text.Json;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>
/// What every SignalR client does before its transport: <c>POST [hub]/negotiate?negotiateVersion=1</c> for the
/// connection token, and the JSON hub protocol's handshake request once the transport is up.
/// </summary>
internal sealed class SignalRNegotiation : IDisposable
{
    // Enough for 256 streams opening at once without a socket each; closed once the streams are open, so that the
    // server's memory is sampled with the streams' connections only.
    private const int ControlConnections = 32;

    private readonly HttpClient _control;
    private readonly Uri _negotiate;

    public SignalRNegotiation(Uri hubUrl)
    {
        HubUrl = hubUrl;
        _control = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = ControlConnections })
        {
            BaseAddress = new Uri(hubUrl.GetLeftPart(UriPartial.Authority)),
        };
        _negotiate = new Uri(hubUrl.AbsolutePath + "/negotiate?negotiateVersion=1", UriKind.Relative);
    }

    /// <summary>The JSON hub protocol's handshake request, ended by the record separator.</summary>
    public static ReadOnlySpan<byte> HandshakeRequest => "{\"protocol\":\"json\",\"version\":1}\u001e"u8;

    public Uri HubUrl { get; }

    /// <summary>The path and query of the hub with a new connection's token as <c>id</c>.</summary>
    public async Task<string> NegotiateAsync()
    {
        using var response = await _control.PostAsync(_negotiate, content: null);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        using var json = await JsonDocument.ParseAsync(body);
        var token = json.RootElement.GetProperty("connectionToken").GetString()
            ?? throw new InvalidOperationException("The negotiate response has no connectionToken.");
        return HubUrl.AbsolutePath + "?id=" + Uri.EscapeDataString(token);
    }

    /// <summary>Sends the handshake by <c>POST</c>, as the server-sent-events transport must (its stream only reads).</summary>
    public async Task PostHandshakeAsync(string pathAndQuery)
    {
        using var content = new ByteArrayContent(HandshakeRequest.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await _control.PostAsync(new Uri(pathAndQuery, UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => _control.Dispose();
}
