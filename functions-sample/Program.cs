using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The Flask-SSE quickstart on Azure Functions: `func start` here, then open http://localhost:7071/api/index.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// SseFunctions: the publisher and the stream, then [SseOutput].
builder.Services.AddSse();
builder.UseSseOutput();

builder.Build().Run();
