namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// RAGFlow v0.27 and the companions it needs: MySQL (metadata), a MinIO-compatible object store, Elasticsearch
/// (document engine); Redis is the platform's (contracts/ragflow/README.md §10).
/// </summary>
public static class RagflowContainerExtensions
{
    public const string Image = "infiniflow/ragflow";
    public const string Tag = "v0.27.0";

    public static IResourceBuilder<ContainerResource> AddRagflowContainers(
        this IDistributedApplicationBuilder builder, IResourceBuilder<RedisResource> redis)
    {
        var mysqlPassword = builder.AddParameter("ragflow-mysql-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var minioPassword = builder.AddParameter("ragflow-minio-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var elasticPassword = builder.AddParameter("ragflow-elastic-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);

        var mysql = builder.AddContainer("ragflow-mysql", "mysql", "8.0.40")
            .WithEndpoint(targetPort: 3306, name: "tcp", scheme: "tcp")
            .WithEnvironment("MYSQL_ROOT_PASSWORD", mysqlPassword)
            .WithEnvironment("MYSQL_DATABASE", "rag_flow")
            .WithArgs("--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci", "--default-authentication-plugin=mysql_native_password")
            .WithVolume("gsv-ragflow-mysql", "/var/lib/mysql");

        var minio = builder.AddContainer("ragflow-minio", "pgsty/silo", "RELEASE.2026-08-06T00-00-00Z")
            .WithHttpEndpoint(targetPort: 9000, name: "http")
            .WithEnvironment("MINIO_ROOT_USER", "rag_flow")
            .WithEnvironment("MINIO_ROOT_PASSWORD", minioPassword)
            .WithArgs("server", "--console-address", ":9001", "/data")
            .WithVolume("gsv-ragflow-minio", "/data")
            .WithHttpHealthCheck("/minio/health/live");

        var elasticsearch = builder.AddContainer("ragflow-es", "elasticsearch", "8.11.3")
            .WithHttpEndpoint(targetPort: 9200, name: "http")
            .WithEnvironment("discovery.type", "single-node")
            .WithEnvironment("xpack.security.enabled", "true")
            .WithEnvironment("xpack.security.http.ssl.enabled", "false")
            .WithEnvironment("ELASTIC_PASSWORD", elasticPassword)
            .WithEnvironment("ES_JAVA_OPTS", "-Xms1g -Xmx1g")
            .WithVolume("gsv-ragflow-es", "/usr/share/elasticsearch/data");

        var rd = redis.Resource.PrimaryEndpoint;
        return builder.AddContainer("ragflow", Image, Tag)
            .WithHttpEndpoint(targetPort: 9380, name: "http")
            .WithEnvironment("DOC_ENGINE", "elasticsearch")
            .WithEnvironment("MYSQL_HOST", "ragflow-mysql")
            .WithEnvironment("MYSQL_PORT", "3306")
            .WithEnvironment("MYSQL_DBNAME", "rag_flow")
            .WithEnvironment("MYSQL_PASSWORD", mysqlPassword)
            .WithEnvironment("MINIO_HOST", "ragflow-minio")
            .WithEnvironment("MINIO_USER", "rag_flow")
            .WithEnvironment("MINIO_PASSWORD", minioPassword)
            .WithEnvironment("ES_HOST", "ragflow-es")
            .WithEnvironment("ELASTIC_PASSWORD", elasticPassword)
            .WithEnvironment(context => context.EnvironmentVariables["REDIS_HOST"] = rd.Property(EndpointProperty.Host))
            .WithEnvironment("REDIS_PASSWORD", redis.Resource.PasswordParameter!)
            .WithEnvironment("SVR_HTTP_PORT", "9380")
            .WithHttpHealthCheck("/api/v1/system/healthz")
            .WaitFor(mysql)
            .WaitFor(minio)
            .WaitFor(elasticsearch)
            .WaitFor(redis);
    }
}
