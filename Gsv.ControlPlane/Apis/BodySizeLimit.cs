using Microsoft.AspNetCore.Http.Metadata;

namespace Gsv.ControlPlane.Apis;

/// <summary>
/// An endpoint's request body limit (endpoint routing applies it to Kestrel's limit for the request); a larger body is
/// refused with 413 problem+json by <see cref="ControlPlaneExceptionHandler"/> before it is read whole.
/// </summary>
public sealed class BodySizeLimit(long bytes) : IRequestSizeLimitMetadata
{
    /// <summary>A buyer's small JSON commands (a trial, an API key's name): far above any valid one, far below Kestrel's 30 MB.</summary>
    public const long Command = 64 * 1024;

    /// <summary>What a service sends: at most a credit batch of 500 items with their run records.</summary>
    public const long Service = 1024 * 1024;

    public long? MaxRequestBodySize { get; } = bytes;
}
