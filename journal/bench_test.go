package journal_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/journal"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// BenchmarkBulkRenew runs one bulk renew of 2,000 refs per iteration
// against the Fake (no latency, so the journal's cost is as visible as it
// gets), without a journal and with the file journal, side by side.
func BenchmarkBulkRenew(b *testing.B) {
	const n = 2000
	f := providertest.NewFake(providertest.WithOrigin("fake"), providertest.WithCallLogLimit(16))
	refs := make([]provider.Ref, n)
	for i := range refs {
		refs[i] = provider.Ref{Origin: "fake", ID: f.Seed(provider.StateExpiring)}
	}
	br := broker.New(broker.WithConcurrency(16))
	if err := br.Register("fake", f, broker.WithRate(1e12, 1)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, mode := range []string{"none", "file"} {
		b.Run(mode, func(b *testing.B) {
			dir := b.TempDir()
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			i := 0
			for b.Loop() {
				opts := broker.BulkOptions{}
				var j *journal.File
				if mode == "file" {
					var err error
					i++
					if j, err = journal.Open(filepath.Join(dir, fmt.Sprintf("run%d.journal", i))); err != nil {
						b.Fatal(err)
					}
					opts.Journal = j
				}
				if _, err := br.Do(ctx, provider.RenewRequest{}, refs, opts); err != nil {
					b.Fatal(err)
				}
				if j != nil {
					if err := j.Close(); err != nil {
						b.Fatal(err)
					}
				}
			}
			runtime.ReadMemStats(&after)
			items := float64(b.N * n)
			b.ReportMetric(items/b.Elapsed().Seconds(), "items/s")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/items, "allocs/item")
		})
	}
}

// BenchmarkResume100k reads back a journal of 100,000 settled items, as a
// resume does, and reports its size.
func BenchmarkResume100k(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "big.journal")
	j, err := journal.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	run := broker.JournalRun{Op: provider.OpRenew, Count: n, Refs: "d"}
	if _, _, err := j.Begin(run); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		r := provider.Ref{Origin: "alibaba", ID: fmt.Sprint(10000100000 + i)}
		_ = j.Unsent(i, r) // the same size as an intent, without an fsync each
		_ = j.Outcome(i, r, broker.JournalOutcome{OK: true, NewID: fmt.Sprint(20000100000 + i), State: "expiring",
			RequestID: "2BB27D42-43F6-6138-5BBC-84811DA0FE94", Attempts: 1})
	}
	if err := j.Close(); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	b.ReportAllocs()
	for b.Loop() {
		j, err := journal.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		_, entries, err := j.Begin(run)
		if err != nil || len(entries) != n {
			b.Fatalf("%d entries, %v", len(entries), err)
		}
		j.Close()
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "file-MiB")
}
