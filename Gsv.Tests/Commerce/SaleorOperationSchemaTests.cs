using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using Gsv.Emulators.Saleor;
using Gsv.Saleor;

namespace Gsv.Tests.Commerce;

/// <summary>Every operation the platform sends must be valid against Saleor 3.23.28's real schema.</summary>
public sealed class SaleorOperationSchemaTests
{
    private static readonly Lazy<ISchema> Schema = new(() => SaleorSchema.Create(LoadContractSdl()));

    public static TheoryData<string> Operations => new(SaleorOperations.Names);

    [Fact]
    public void The_client_has_operations_for_catalog_checkout_apps_and_the_webhook()
    {
        Assert.Contains("Products", SaleorOperations.Names);
        Assert.Contains("CheckoutComplete", SaleorOperations.Names);
        Assert.Contains("WebhookCreate", SaleorOperations.Names);
        Assert.Contains("OrderFullyPaidEvent", SaleorOperations.Names);
        Assert.True(SaleorOperations.Names.Count >= 30);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Operation_validates_against_the_real_schema(string operation)
    {
        var errors = await ValidateAsync(SaleorOperations.Get(operation));
        Assert.True(errors.Count == 0, $"{operation}: {string.Join("; ", errors)}");
    }

    [Theory]
    [InlineData("query Bad { products(first: 1, channel: \"gsv\") { edges { node { idd } } } }", "Cannot query field 'idd'")]
    [InlineData("query Bad($c: Int!) { products(first: 1, channel: $c) { totalCount } }", "Variable '$c' of type 'Int!' used in position expecting type 'String'")]
    [InlineData("query Bad { products(first: 1, chanel: \"gsv\") { totalCount } }", "Unknown argument 'chanel'")]
    [InlineData("mutation Bad($i: WarehouseInput!) { createWarehouse(input: $i) { errors { code } } }", "Unknown type WarehouseInput")]
    public async Task Invalid_operations_are_rejected(string document, string expected)
    {
        var errors = await ValidateAsync(document);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<string>> ValidateAsync(string query)
    {
        var document = GraphQLParser.Parser.Parse(query);
        var result = await new DocumentValidator().ValidateAsync(new ValidationOptions
        {
            Schema = Schema.Value,
            Document = document,
            Operation = document.Definitions.OfType<GraphQLParser.AST.GraphQLOperationDefinition>().First(),
            Rules = DocumentValidator.CoreRules,
            Variables = Inputs.Empty,
        });
        // Shapes only: values for variables are the caller's business at run time.
        return result.Errors.Where(e => e.GetType().Name != "InvalidVariableError").Select(e => e.Message).ToList();
    }

    /// <summary>The contract copy (../shared/contracts/saleor/schema.graphql) when present; else the emulator's byte-identical copy.</summary>
    private static string LoadContractSdl()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "contracts", "saleor", "schema.graphql");
            if (File.Exists(candidate))
            {
                var contract = File.ReadAllText(candidate);
                Assert.Equal(contract, SaleorSchema.Sdl);
                return contract;
            }
        }

        return SaleorSchema.Sdl;
    }
}
