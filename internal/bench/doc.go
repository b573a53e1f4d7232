// Package bench holds certbroker's benchmarks (test files only) and, in
// cmd/bulkbench, the bulk-throughput program. Nothing here is imported by
// the library.
//
//   - BenchmarkOverhead: one Status made with the bare SDK against an
//     emulator, through the adapter, and through broker + adapter, per
//     cloud, interleaved in one process; it logs the ratios.
//   - BenchmarkRouting: the broker's own cost per operation over the
//     in-memory Fake.
//   - BenchmarkStreamMemory: peak heap of one streamed bulk operation of
//     10,000 and 100,000 references at concurrency 64.
//   - BenchmarkListMemory: peak heap of listing 10,000 and 100,000
//     orders through broker.List over the Fake.
//   - BenchmarkCancelLatency: how long a call to a hanging emulator takes
//     to return once its context is cancelled.
//
// BENCHMARKS.md at the repository root gives the commands, the figures
// and what they mean.
package bench
