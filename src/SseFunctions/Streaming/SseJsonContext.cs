using System.Text.Json;
using System.Text.Json.Serialization;

namespace SseFunctions.Streaming;

/// <summary>Source-generated JSON for the package's own events, so they need no reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MissedSignal))]
internal sealed partial class SseJsonContext : JsonSerializerContext;
