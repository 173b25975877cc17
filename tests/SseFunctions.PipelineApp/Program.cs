using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SseFunctions.PipelineApp;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddSse();
switch (builder.Configuration["PIPELINE"])
{
    case "Sample":
        builder.ConfigureFunctionsWebApplication();
        builder.UseSseOutput();
        break;
    case "UseSseOutputTwice":
        builder.ConfigureFunctionsWebApplication();
        builder.UseSseOutput();
        builder.UseSseOutput();
        break;
    case "UseSseOutputFirst":
        builder.UseSseOutput();
        builder.ConfigureFunctionsWebApplication();
        break;
    case "ExecutorReplaced":
        builder.ConfigureFunctionsWebApplication();
        builder.UseSseOutput();
        builder.UseMiddleware<ExecutorReplacingMiddleware>();
        break;
    default:
        throw new InvalidOperationException("Set PIPELINE to Sample, UseSseOutputTwice, UseSseOutputFirst or ExecutorReplaced.");
}

builder.Build().Run();
