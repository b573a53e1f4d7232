package main

import (
	"io"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/schollz/progressbar/v3"
)

// progressBar returns a bulk progress callback that draws a bar on w, and a
// function that finishes it. The broker calls the callback one item at a
// time.
func progressBar(w io.Writer, total int, description string) (func(broker.Progress), func()) {
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	update := func(p broker.Progress) { _ = bar.Set(p.Done) }
	finish := func() { _ = bar.Finish() }
	return update, finish
}
