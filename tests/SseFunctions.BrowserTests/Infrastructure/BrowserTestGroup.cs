namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>
/// Every browser test shares one Chromium and runs one at a time: on a two-core machine, tests that measure reconnect
/// delays must not compete with each other for the processor.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
