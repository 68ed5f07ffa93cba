using Gsv.Testing;

namespace Gsv.Tests.Infrastructure;

/// <summary>The benchmark's <c>--service-env [SERVICE:]NAME=VALUE</c>, as <see cref="PlatformStarter"/> applies it.</summary>
public sealed class ServiceVariableTests
{
    [Theory]
    [InlineData("Gateway__CreditPrefetchMax=0", null, "Gateway__CreditPrefetchMax", "0")]
    [InlineData("gateway:DOTNET_gcServer=0", "gateway", "DOTNET_gcServer", "0")]
    [InlineData("langflow:A=b=c", "langflow", "A", "b=c")]
    [InlineData("EMPTY=", null, "EMPTY", "")]
    public void A_variable_is_for_the_four_services_unless_it_names_a_program(string argument, string? service, string name, string value)
    {
        var variable = ServiceVariable.Parse(argument);

        Assert.Equal(new ServiceVariable(service, name, value), variable);
        Assert.Equal(argument, variable.ToString());
    }

    [Theory]
    [InlineData("NO_VALUE")]
    [InlineData("=value")]
    [InlineData("nosuchprogram:NAME=value")]
    public void Anything_else_is_refused_with_what_was_given(string argument) =>
        Assert.Contains(argument, Assert.Throws<ArgumentException>(() => ServiceVariable.Parse(argument)).Message);
}
