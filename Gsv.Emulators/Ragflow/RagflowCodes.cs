namespace Gsv.Emulators.Ragflow;

/// <summary>RAGFlow's <c>RetCode</c> values (<c>common/constants.py</c>, contract §2).</summary>
public static class RagflowCodes
{
    public const int Success = 0;
    public const int ExceptionError = 100;
    public const int ArgumentError = 101;
    public const int DataError = 102;
    public const int OperatingError = 103;
    public const int PermissionError = 108;
    public const int AuthenticationError = 109;
    public const int Unauthorized = 401;
    public const int NotFound = 404;
}
