using System.Globalization;

namespace Gsv.Emulators.Ragflow.Store;

/// <summary>RAGFlow's timestamps: <c>*_time</c> in epoch milliseconds, <c>*_date</c> as <c>yyyy-MM-ddTHH:mm:ss</c>.</summary>
public static class RagflowTime
{
    public static string Date(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>The clock prefix of a <c>progress_msg</c> line.</summary>
    public static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
