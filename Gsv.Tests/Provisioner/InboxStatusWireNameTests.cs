using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Data;
using Gsv.Shared;

namespace Gsv.Tests.Provisioner;

/// <summary>Status enums in text columns: each member as its lower-case name and back; anything else is refused.</summary>
public sealed class InboxStatusWireNameTests
{
    [Theory]
    [InlineData(InboxStatus.Pending, "pending")]
    [InlineData(InboxStatus.Processed, "processed")]
    [InlineData(InboxStatus.Ignored, "ignored")]
    [InlineData(InboxStatus.Failed, "failed")]
    public void A_status_is_its_lower_case_name_in_both_directions(InboxStatus status, string name)
    {
        Assert.Equal(name, status.WireName());
        Assert.Equal(status, EnumWireNames.Parse<InboxStatus>(name));
        Assert.Equal(name, new WireNameConverter<InboxStatus>().ConvertToProvider(status));
    }

    [Theory]
    [InlineData("Pending")]
    [InlineData("PENDING")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData("done")]
    public void A_name_that_is_not_a_lower_case_member_name_throws(string name) =>
        Assert.Throws<InvalidOperationException>(() => EnumWireNames.Parse<InboxStatus>(name));

    [Fact]
    public void A_value_that_names_no_member_throws() =>
        Assert.Throws<InvalidOperationException>(() => ((InboxStatus)99).WireName());
}
