namespace SseFunctions.Infrastructure.Tests;

/// <summary>Shares one compilation of infra/ among the test classes (the compiler takes seconds to start).</summary>
[CollectionDefinition(Name)]
public sealed class SharedCompilation : ICollectionFixture<CompiledInfrastructure>
{
    public const string Name = "Compiled infrastructure";
}
