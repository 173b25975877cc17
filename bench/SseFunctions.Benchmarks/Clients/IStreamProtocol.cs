namespace SseFunctions.Benchmarks.Clients;

/// <summary>How the load's streams speak to one side: plain server-sent events, or one of SignalR's transports.</summary>
internal interface IStreamProtocol : IDisposable
{
    /// <summary>Everything one stream needs to open, negotiating first where the protocol asks for it.</summary>
    Task<StreamOpening> PrepareAsync();
}
