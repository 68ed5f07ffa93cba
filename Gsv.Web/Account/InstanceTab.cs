namespace Gsv.Web.Account;

/// <summary>The pages of an instance, as its header's tabs: the console, its connectors, its knowledge.</summary>
public enum InstanceTab
{
    Console,
    Connect,
    Knowledge,
}
