namespace Orchestrator.Worker.Tests;

public class ResolvedHostsTests
{
    [Fact]
    public void AnAddressStaysItselfAndANameResolvesToItsAddress()
    {
        Assert.Equal("10.1.2.3", ResolvedHosts.AddressOf("10.1.2.3"));
        Assert.Equal("127.0.0.1", ResolvedHosts.AddressOf("localhost"));
        Assert.Equal("127.0.0.1", ResolvedHosts.AddressOf("LOCALHOST"));   // the same name, from the cache
    }

    [Fact]
    public void ANameThatDoesNotResolveIsLeftToTheStoresOwnLookup()
    {
        Assert.Equal("no-such-host.invalid", ResolvedHosts.AddressOf("no-such-host.invalid"));
    }
}
