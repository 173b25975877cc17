using AspNetCoreSample;

// The Flask-SSE quickstart in .NET: `dotnet run -- --urls http://127.0.0.1:5000`, then open the page and press the button.
await SampleApp.Create(args).RunAsync();
