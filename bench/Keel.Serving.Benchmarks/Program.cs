using BenchmarkDotNet.Running;
using Keel.Serving.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(ServingHotPathBenchmarks).Assembly).Run(args);
