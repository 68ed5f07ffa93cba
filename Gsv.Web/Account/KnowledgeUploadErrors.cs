using Gsv.ControlPlane.Client;

namespace Gsv.Web.Account;

/// <summary>The codes the upload endpoint puts in <c>?error=</c> when it refuses an upload (see <see cref="KnowledgeText.Refusal"/>).</summary>
public static class KnowledgeUploadErrors
{
    public const string TooLarge = "too_large";
    public const string Unsupported = "unsupported";
    public const string Empty = "empty";
    public const string TooMany = "too_many";
    public const string NoFiles = "no_files";
    public const string Invalid = "invalid";
    public const string Full = "full";
    public const string NotReady = "not_ready";
    public const string NotSupported = "not_supported";
    public const string Unavailable = "unavailable";
    public const string Expired = "expired";

    /// <summary>The code for a refusal of the Control Plane (by its problem code).</summary>
    public static string Of(ControlPlaneProblemException problem) => problem.Code switch
    {
        "payload_too_large" => TooLarge,
        "unsupported_media_type" => Unsupported,
        "conflict" => Full,
        "knowledge_not_ready" => NotReady,
        "knowledge_not_supported" => NotSupported,
        "knowledge_unavailable" => Unavailable,
        _ when (int)problem.Status >= 500 => Unavailable,
        _ => Invalid,
    };
}
