using System.Reflection;
using GraphQL;
using GraphQL.Resolvers;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Gsv.Emulators.Saleor;

/// <summary>
/// Saleor 3.23.28's real SDL loaded into GraphQL.NET, so every request is parsed, validated and shaped by the real
/// schema. Objects are dictionaries keyed by field name (<c>__typename</c> picks the concrete type of an interface or
/// union); a value may be a <see cref="FieldResolver"/> for fields that take arguments.
/// </summary>
public static class SaleorSchema
{
    public delegate object? FieldResolver(IResolveFieldContext context);

    public const string TypeNameKey = "__typename";

    public static string Sdl { get; } = ReadSdl();

    public static ISchema Create() => Create(Sdl);

    /// <summary>Loads an SDL (Saleor's) with resolvers that read dictionaries; also used to validate client operations.</summary>
    public static ISchema Create(string sdl)
    {
        var document = GraphQLParser.Parser.Parse(sdl);
        ISchema? schema = null;
        IObjectGraphType ResolveType(object value) =>
            value is IDictionary<string, object?> node && node.TryGetValue(TypeNameKey, out var name) && name is string typeName
                ? (IObjectGraphType)schema!.AllTypes[typeName]!
                : throw new InvalidOperationException("Abstract value without __typename.");

        schema = Schema.For(sdl, builder =>
        {
            foreach (var definition in document.Definitions)
            {
                switch (definition)
                {
                    case GraphQLUnionTypeDefinition union:
                        builder.Types.For(union.Name.StringValue).ResolveType = ResolveType;
                        break;
                    case GraphQLInterfaceTypeDefinition @interface:
                        builder.Types.For(@interface.Name.StringValue).ResolveType = ResolveType;
                        break;
                    case GraphQLObjectTypeDefinition type:
                        var typeName = type.Name.StringValue;
                        foreach (var field in type.Fields?.Items ?? [])
                        {
                            var config = builder.Types.For(typeName).FieldFor(field.Name.StringValue);
                            if (typeName == "Subscription")
                            {
                                // A webhook payload is the subscription evaluated once over the event (the root value).
                                config.StreamResolver = new SourceStreamResolver<object>(context => new SingleValue(context.RootValue!));
                                config.Resolver = new FuncFieldResolver<object?>(context => context.Source);
                            }
                            else
                            {
                                config.Resolver = DictionaryResolver.Instance;
                            }
                        }

                        break;
                }
            }
        });

        foreach (var scalar in document.Definitions.OfType<GraphQLScalarTypeDefinition>())
        {
            schema.RegisterType(new PassThroughScalar(scalar.Name.StringValue));
        }

        schema.Initialize();
        return schema;
    }

    private static string ReadSdl()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Gsv.Emulators.Saleor.schema.graphql")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class DictionaryResolver : IFieldResolver
    {
        public static readonly DictionaryResolver Instance = new();

        public ValueTask<object?> ResolveAsync(IResolveFieldContext context) =>
            ValueTask.FromResult(context.Source is IDictionary<string, object?> node && node.TryGetValue(context.FieldDefinition.Name, out var value)
                ? value is FieldResolver resolve ? resolve(context) : value
                : null);
    }

    /// <summary>Saleor's custom scalars (JSONString, Decimal, DateTime...) carried as-is.</summary>
    private sealed class PassThroughScalar : ScalarGraphType
    {
        public PassThroughScalar(string name) => Name = name;

        public override object? ParseValue(object? value) => value;

        public override object? Serialize(object? value) => value;

        public override bool CanParseLiteral(GraphQLValue value) => true;

        public override object? ParseLiteral(GraphQLValue value) => value switch
        {
            GraphQLStringValue s => (string)s.Value,
            GraphQLIntValue i => decimal.Parse(i.Value, System.Globalization.CultureInfo.InvariantCulture),
            GraphQLFloatValue f => decimal.Parse(f.Value, System.Globalization.CultureInfo.InvariantCulture),
            GraphQLBooleanValue b => b.BoolValue,
            GraphQLNullValue => null,
            GraphQLEnumValue e => (string)e.Name.Value,
            _ => value.ToString(),
        };
    }

    private sealed class SingleValue(object value) : IObservable<object?>
    {
        public IDisposable Subscribe(IObserver<object?> observer)
        {
            observer.OnNext(value);
            observer.OnCompleted();
            return new Unsubscriber();
        }

        private sealed class Unsubscriber : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
