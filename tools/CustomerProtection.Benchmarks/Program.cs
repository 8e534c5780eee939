using BenchmarkDotNet.Running;

// dotnet run -c Release --project tools/CustomerProtection.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
