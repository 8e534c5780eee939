using System.CommandLine;
using CustomerProtection.Cli.Core;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Demo;

/// <summary>
/// <c>cpctl demo</c>: the policy's story played against a running system with the controllable clock, each step
/// checked (exit 10 with the step, the expected and the actual outcome when one is wrong).
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CommandKit kit)
    {
        var timeout = Number("--timeout", "每次等待事件的秒数 / seconds to wait for an event to cross RabbitMQ", 60);
        return kit.Command("demo",
            "演示：按政策讲一遍故事并逐步核对（需可调时钟，会拨快系统时钟约32天） / play the policy's story step by step against a running " +
            "system and check each outcome (needs the controllable clock: ./run.sh; moves the system's clock ~32 days forward; re-runnable)",
            async (s, p, ct) =>
            {
                var seconds = p.GetValue(timeout);
                if (seconds is < 1 or > 3600)
                {
                    throw new CliException(ExitCodes.InvalidArgument, "--timeout: 1..3600");
                }

                await new DemoStory(s, TimeSpan.FromSeconds(seconds)).RunAsync(ct);
            }, timeout);
    }
}
