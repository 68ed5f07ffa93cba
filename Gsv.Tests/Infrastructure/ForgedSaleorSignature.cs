using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Gsv.Tests.Infrastructure;

/// <summary>Well-formed Saleor webhook signatures (detached JWS, <c>b64:false</c>) made with a key that is not Saleor's.</summary>
public static class ForgedSaleorSignature
{
    /// <summary>Signs <paramref name="body"/> under <paramref name="protectedHeader"/> (BASE64URL, e.g. a genuine one naming Saleor's kid) with a fresh key.</summary>
    public static string Sign(string protectedHeader, byte[] body)
    {
        using var rsa = RSA.Create(2048);
        var input = Encoding.ASCII.GetBytes(protectedHeader + ".").Concat(body).ToArray();
        var signature = rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return protectedHeader + ".." + Base64Url.EncodeToString(signature);
    }

    /// <summary>The protected header Saleor writes (sorted keys, no spaces) naming <paramref name="kid"/>, BASE64URL-encoded.</summary>
    public static string HeaderNaming(string kid) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"RS256","b64":false,"crit":["b64"],"kid":"{{kid}}","typ":"JWT"}"""));
}
