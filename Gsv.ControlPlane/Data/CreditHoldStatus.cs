namespace Gsv.ControlPlane.Data;

/// <summary>Where a <see cref="CreditHold"/> stands: open (reserving credits), or closed by a capture or a release.</summary>
public enum CreditHoldStatus
{
    Open,
    Captured,
    Released,
}
