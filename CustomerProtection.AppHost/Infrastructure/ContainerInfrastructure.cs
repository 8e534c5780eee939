namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>Aspire's standard Redis and RabbitMQ container resources, for machines with a container runtime.</summary>
internal static class ContainerInfrastructure
{
    public static IResourceBuilder<RedisResource> AddContainerRedis(this IDistributedApplicationBuilder builder, string name, bool persistent)
    {
        var redis = builder.AddRedis(name).WithArgs(context =>
        {
            // AddRedis starts `/bin/sh -c "redis-server ..."`, so the AOF options belong inside that one string;
            // appended after it they would only become positional parameters of the shell.
            var index = context.Args.IndexOf("-c");
            if (index >= 0 && index + 1 < context.Args.Count && context.Args[index + 1] is string command)
            {
                context.Args[index + 1] = command + " --appendonly yes --appendfsync always";
            }
            else
            {
                foreach (var arg in (string[])["--appendonly", "yes", "--appendfsync", "always"])
                {
                    context.Args.Add(arg);
                }
            }
        });

        // A named volume (not a bind mount of .data: the container's redis user could not write there).
        return persistent ? redis.WithDataVolume() : redis;
    }

    public static IResourceBuilder<RabbitMQServerResource> AddContainerRabbitMq(this IDistributedApplicationBuilder builder, string name, bool persistent)
    {
        var rabbit = builder.AddRabbitMQ(name);
        return persistent ? rabbit.WithDataVolume() : rabbit;
    }
}
