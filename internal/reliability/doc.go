// Package reliability holds certbroker's reliability suite: tests, and
// nothing else, that drive the real adapters (alibaba, huawei) through the
// broker against both cloud emulators under injected faults, concurrency,
// cancellation, hostile input and secret-bearing configuration.
//
// What it checks, one file each:
//
//   - matrix_test.go: 5,000 mixed operations over both emulators with 30%
//     injected faults; every outcome is accounted for against the
//     emulators' own state and renewal records.
//   - concurrent_test.go: a 64-way concurrent batch without faults.
//   - cancel_test.go: a cancelled context ends a call to a hanging
//     emulator promptly, and the connection is closed on the server side.
//   - badinput_test.go: hostile IDs are refused before any request.
//   - secrets_test.go: access key secrets never reach logs, errors or
//     formatted output.
//   - endpoints_test.go: plain HTTP to a non-loopback host is refused and
//     TLS is verified by default.
//   - reconcile_test.go: a reconciled retry never reports success for an
//     operation the emulator shows did not happen.
//   - fuzz_test.go: no ID, however odd, can change a request's path or
//     parameters (go test -fuzz=FuzzIDCannotChangeTheRequest).
//
// Nothing is scaled down under -race: the matrix runs all 5,000
// operations, and the whole package takes about 20 s with -race on two
// cores, most of it spent waiting out injected hangs.
//
// The package has no exported API; it exists for `go test -race`.
package reliability
