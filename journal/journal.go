// Package journal is a file-based [broker.Journal]: the record of one bulk
// run, which lets a run killed halfway resume with nothing lost and
// nothing sent twice.
//
// # Format
//
// One record per line, each line a CRC and a JSON object:
//
//	1f2e3d4c {"t":"run","v":1,"run":{"op":"renew",...},"at":"2026-11-30T18:00:00Z"}
//	9a8b7c6d {"t":"intent","i":0,"ref":"alibaba:10000100001"}
//	0badc0de {"t":"outcome","i":0,"ref":"alibaba:10000100001","out":{"ok":true,"new_id":"..."}}
//
// The CRC is CRC-32C (Castagnoli) of the JSON text, in eight hex digits.
// The first record names the run; then come "intent" (the request is
// about to be sent), "outcome" and "unsent" (the intent was withdrawn:
// nothing went out) records, in the order they happened.
//
// Why this format: an operator can read it with ordinary tools
// (`cut -d' ' -f2- FILE | jq`, `grep '"t":"intent"'`); it only ever grows
// by appending, so a crash can damage only the last line; and the
// standard library has everything it needs (encoding/json, hash/crc32).
// A binary format would be smaller and faster to parse, but the cost that
// matters is the fsync per intent, not the bytes; see BENCHMARKS.md.
//
// # Durability
//
// The run record is written and fsynced (and the directory too, when the
// file is new) before anything is sent. Each intent is written and
// fsynced before its request goes out; concurrent intents share fsyncs
// (a group commit: one fsync covers every record written before it
// started). Outcomes are written with one write(2) each and fsynced every
// 64 outcomes and on Sync and Close: a killed process loses none of them
// (they are in the kernel's page cache), and a machine that loses power
// loses at most the outcomes since the last fsync, whose items then
// resume as in doubt and are settled, never sent blindly.
//
// # A torn record
//
// A last line without its newline, or whose CRC does not match, is a
// record torn by a crash: it is ignored (its item is at worst in doubt)
// and cut off before the next record is appended. A bad line anywhere
// else means the file was damaged by something other than a crash, and
// the journal is refused rather than misread.
//
// # Size
//
// About 240 bytes per item (intent and outcome), so 100,000 items make
// some 24 MiB; a resume reads the file once, sequentially, and keeps one
// map entry per item.
//
// # Limits
//
// One process at a time: Open takes an exclusive flock on Unix systems
// (released by the kernel when the process ends, even by SIGKILL), so a
// second process resuming the same run is refused. Elsewhere nothing
// locks the file, and two processes resuming one run at once would both
// send. [Read] and [Summarize] take no lock: they read a journal that a
// run in progress holds, as far as its records are written. [Lock] takes
// the same kind of lock on any file, for runs that must not overlap.
package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// version is the format's version, in the run record.
const version = 1

// ErrInUse is the error of [Lock], and the cause of [Open]'s, when
// another process holds the file's lock (on Unix; elsewhere nothing
// locks).
var ErrInUse = errors.New("in use by another process")

// outcomeSyncEvery is how many outcomes are written between fsyncs.
const outcomeSyncEvery = 64

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// record is one line's JSON.
type record struct {
	T   string                 `json:"t"`
	V   int                    `json:"v,omitempty"`
	Run *broker.JournalRun     `json:"run,omitempty"`
	At  *time.Time             `json:"at,omitempty"`
	I   int                    `json:"i"`
	Ref string                 `json:"ref,omitempty"`
	Out *broker.JournalOutcome `json:"out,omitempty"`
}

// File is a journal in one file. Its methods are safe for concurrent
// use.
type File struct {
	path string

	mu       sync.Mutex // guards f's writes, written and unsynced
	f        *os.File
	written  int64 // bytes written, torn tail excluded
	unsynced int   // outcomes written since the last fsync
	// cut is set when the file holds bytes past written (a torn last
	// record): the first append cuts them, so that Begin itself never
	// changes a file the broker may yet refuse as another run's.
	cut bool
	buf bytes.Buffer

	syncMu sync.Mutex // one fsync at a time
	synced int64      // bytes known durable
}

// Open opens the journal at path, creating it (and its directory, mode
// 0700) when it does not exist. Nothing is read or written until Begin.
// A directory that cannot be written fails here, before any run starts.
func Open(path string) (*File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("journal: %s is not a regular file", path)
	}
	if err := lock(f); err != nil {
		f.Close()
		if errors.Is(err, ErrInUse) {
			return nil, fmt.Errorf("journal: %s is in use by another process (is this run being resumed elsewhere?)", path)
		}
		return nil, fmt.Errorf("journal: locking %s: %w", path, err)
	}
	return &File{path: path, f: f}, nil
}

// Path returns the file's path.
func (j *File) Path() string { return j.path }

// Begin implements [broker.Journal]: it reads the file, and for a new
// (empty) one writes the run record and makes it durable.
func (j *File) Begin(run broker.JournalRun) (*broker.JournalRun, map[provider.Ref]broker.JournalEntry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, err
	}
	st, err := scan(j.f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", j.path, err)
	}
	if st.run != nil {
		// A torn last record is cut by the first append, not here.
		j.written, j.synced, j.cut = st.good, st.good, st.good < st.size
		return st.run, st.entries, nil
	}
	// No run record: a new journal only if the file is empty, or holds
	// nothing but this journal's own torn run record (a crash while the
	// first record was written). Anything else is not a journal, and is
	// never overwritten.
	if st.size > 0 && !st.tornRun {
		return nil, nil, fmt.Errorf("%s: not a certbroker journal (and not empty): refusing to overwrite it", j.path)
	}
	j.written, j.cut = 0, st.size > 0
	now := time.Now().UTC().Truncate(time.Second)
	if err := j.appendLocked(record{T: "run", V: version, Run: &run, At: &now}); err != nil {
		return nil, nil, fmt.Errorf("journal: writing the run record: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	j.synced = j.written
	if d, err := os.Open(filepath.Dir(j.path)); err == nil {
		_ = d.Sync() // the new file's name; not every system can
		d.Close()
	}
	return nil, map[provider.Ref]broker.JournalEntry{}, nil
}

// Intent implements [broker.Journal]: it returns once the record is
// fsynced.
func (j *File) Intent(index int, ref provider.Ref) error {
	j.mu.Lock()
	now := time.Now().UTC().Truncate(time.Second)
	err := j.appendLocked(record{T: "intent", I: index, Ref: ref.String(), At: &now})
	end := j.written
	j.mu.Unlock()
	if err != nil {
		return err
	}
	return j.syncTo(end)
}

// Outcome implements [broker.Journal]: the record is written at once and
// fsynced with the next batch.
func (j *File) Outcome(index int, ref provider.Ref, out broker.JournalOutcome) error {
	j.mu.Lock()
	err := j.appendLocked(record{T: "outcome", I: index, Ref: ref.String(), Out: &out})
	j.unsynced++
	batch := j.unsynced >= outcomeSyncEvery
	if batch {
		j.unsynced = 0
	}
	end := j.written
	j.mu.Unlock()
	if err != nil || !batch {
		return err
	}
	return j.syncTo(end)
}

// Unsent implements [broker.Journal].
func (j *File) Unsent(index int, ref provider.Ref) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.appendLocked(record{T: "unsent", I: index, Ref: ref.String()})
}

// Sync makes every record written so far durable.
func (j *File) Sync() error {
	j.mu.Lock()
	end := j.written
	j.mu.Unlock()
	return j.syncTo(end)
}

// Close syncs and closes the file.
func (j *File) Close() error {
	err := j.Sync()
	return errors.Join(err, j.f.Close())
}

// syncTo returns once the first end bytes are durable. Writers that wait
// here while another's fsync runs are usually covered by it, or share the
// next one.
func (j *File) syncTo(end int64) error {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	if j.synced >= end {
		return nil
	}
	j.mu.Lock()
	target := j.written
	j.mu.Unlock()
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal: fsync: %w", err)
	}
	j.synced = target
	return nil
}

// appendLocked writes one record with a single write. j.mu is held.
func (j *File) appendLocked(r record) error {
	j.buf.Reset()
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	fmt.Fprintf(&j.buf, "%08x ", crc32.Checksum(line, castagnoli))
	j.buf.Write(line)
	j.buf.WriteByte('\n')
	if j.cut {
		// Drop what lies past the last good record (a torn record, or
		// the remains of a failed write) before writing after it.
		if err := j.f.Truncate(j.written); err != nil {
			return fmt.Errorf("journal: cutting a torn last record: %w", err)
		}
		j.cut = false
	}
	if _, err := j.f.Seek(j.written, io.SeekStart); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	n, err := j.f.Write(j.buf.Bytes())
	if err != nil || n != j.buf.Len() {
		// A short or failed write (a full disk) leaves a fragment: the
		// next append cuts it, so that a later record never shares its
		// line and fails its checksum.
		j.cut = true
		if err == nil {
			err = io.ErrShortWrite
		}
		return fmt.Errorf("journal: %w", err)
	}
	j.written += int64(n)
	return nil
}

// state is what a scan found.
type state struct {
	run     *broker.JournalRun
	at      time.Time
	entries map[provider.Ref]broker.JournalEntry
	good    int64 // bytes up to the end of the last good record
	size    int64
	torn    bool
	// tornRun is set when the file's only line is a torn record that
	// starts like this journal's run record: a crash while Begin wrote it.
	tornRun bool
}

// scan reads a journal. A bad last line is a torn record, left out; a bad
// line before the last is an error.
func scan(r io.Reader) (*state, error) {
	st := &state{entries: map[provider.Ref]broker.JournalEntry{}}
	br := bufio.NewReaderSize(r, 64<<10)
	var pending error // a bad line, an error unless it was the last
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadBytes('\n')
		st.size += int64(len(line))
		if len(line) == 0 && err == io.EOF {
			break
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if pending != nil {
			return nil, pending
		}
		rec, perr := parseLine(line)
		if perr != nil || err == io.EOF { // no newline: torn, even if it parses
			st.torn = true
			st.tornRun = lineNo == 1 && looksLikeRunStart(line)
			pending = fmt.Errorf("line %d is damaged (%v), and it is not the last: refusing to guess", lineNo, perr)
			if err == io.EOF {
				break
			}
			continue
		}
		st.good = st.size
		if err := st.apply(rec, lineNo); err != nil {
			return nil, err
		}
	}
	if st.run == nil && st.good > 0 {
		return nil, errors.New("no run record at the start: not a certbroker journal")
	}
	return st, nil
}

// runPrefix is how this journal's run record begins after its checksum.
const runPrefix = `{"t":"run"`

// looksLikeRunStart reports whether a (torn) line is the start of this
// journal's run record: eight hex digits, a space, and the start of
// runPrefix, cut anywhere.
func looksLikeRunStart(line []byte) bool {
	line = bytes.TrimSuffix(line, []byte("\n"))
	if len(line) < 9 || line[8] != ' ' {
		return false
	}
	for _, c := range line[:8] {
		if !strings.ContainsRune("0123456789abcdef", rune(c)) {
			return false
		}
	}
	rest := string(line[9:])
	if len(rest) <= len(runPrefix) {
		return strings.HasPrefix(runPrefix, rest)
	}
	return strings.HasPrefix(rest, runPrefix)
}

// parseLine checks and decodes one line.
func parseLine(line []byte) (record, error) {
	var rec record
	line = bytes.TrimSuffix(line, []byte("\n"))
	crcText, body, ok := bytes.Cut(line, []byte(" "))
	if !ok || len(crcText) != 8 {
		return rec, errors.New("no checksum")
	}
	var want uint32
	if _, err := fmt.Sscanf(string(crcText), "%08x", &want); err != nil {
		return rec, errors.New("bad checksum")
	}
	if crc32.Checksum(body, castagnoli) != want {
		return rec, errors.New("checksum mismatch")
	}
	if err := json.Unmarshal(body, &rec); err != nil {
		return rec, err
	}
	return rec, nil
}

func (st *state) apply(rec record, lineNo int) error {
	if rec.T == "run" {
		if st.run != nil || lineNo != 1 || rec.Run == nil {
			return fmt.Errorf("line %d: a run record out of place", lineNo)
		}
		if rec.V != version {
			return fmt.Errorf("format version %d, want %d", rec.V, version)
		}
		st.run = rec.Run
		if rec.At != nil {
			st.at = *rec.At
		}
		return nil
	}
	if st.run == nil {
		return errors.New("no run record at the start: not a certbroker journal")
	}
	ref, err := provider.ParseRef(rec.Ref)
	if err != nil {
		return fmt.Errorf("line %d: %w", lineNo, err)
	}
	e := st.entries[ref]
	switch rec.T {
	case "intent":
		e.Intent = true
		if rec.At != nil {
			e.IntentAt = *rec.At
		}
	case "outcome":
		if rec.Out == nil {
			return fmt.Errorf("line %d: an outcome without its value", lineNo)
		}
		e.Outcome = rec.Out
	case "unsent":
		e.Intent = false
		if e.Outcome != nil && e.Outcome.InDoubt {
			e.Outcome = nil // proved not applied, then not sent
		}
	default:
		return fmt.Errorf("line %d: unknown record %q", lineNo, rec.T)
	}
	st.entries[ref] = e
	return nil
}

// Summary is what a journal says about its run.
type Summary struct {
	Path string
	Run  broker.JournalRun
	// Started is when the run's first session began (the run record's
	// time); zero when the journal does not say.
	Started time.Time
	// Done counts items with an outcome (OK of them succeeded), InDoubt
	// those with an intent but no settled outcome; the rest of Run.Count
	// were never started.
	Done, OK, InDoubt int
	// Torn is true when the last record was torn (and is ignored).
	Torn bool
}

// ErrNoRun is the error (wrapped with the file's name) of Read and
// Summarize for a file that holds no run record: an empty file, or one
// whose only line is this journal's run record torn by a crash. The run
// record is durable before anything is sent, so nothing was sent under
// such a file. A file that holds anything else without a run record is
// not a journal, and gets another error.
var ErrNoRun = errors.New("empty journal: it holds no run record, so nothing was sent under it")

// Read reads the journal at path without changing it, and returns what it
// says about its run and its entries by reference, as Begin would return
// them to a resume. A torn last record is left out (and left in the file);
// a damaged record before the last, or a file that is not a journal, is
// an error; a file without a run record is [ErrNoRun].
//
// Read takes no lock: it opens the file read-only, so it reads a journal
// that another process holds open with Open (a run in progress) without
// disturbing it, and sees that run as far as its records are written: an
// intent returns only once it is on disk, and a record being appended
// reads as a torn last record.
func Read(path string) (Summary, map[provider.Ref]broker.JournalEntry, error) {
	// Open would wait for a writer on a FIFO: only regular files are read.
	if fi, err := os.Stat(path); err != nil {
		return Summary{}, nil, err
	} else if !fi.Mode().IsRegular() {
		return Summary{}, nil, fmt.Errorf("%s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, nil, err
	}
	defer f.Close()
	st, err := scan(f)
	if err != nil {
		return Summary{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	if st.run == nil {
		if st.size > 0 && !st.tornRun {
			return Summary{}, nil, fmt.Errorf("%s: not a certbroker journal (no run record at the start)", path)
		}
		return Summary{}, nil, fmt.Errorf("%s: %w", path, ErrNoRun)
	}
	s := Summary{Path: path, Run: *st.run, Started: st.at, Torn: st.torn}
	for _, e := range st.entries {
		switch {
		case e.Outcome != nil && !e.Outcome.InDoubt:
			s.Done++
			if e.Outcome.OK {
				s.OK++
			}
		case e.Intent || e.Outcome != nil:
			s.InDoubt++
		}
	}
	return s, st.entries, nil
}

// Summarize reads the journal at path without changing it: Read without
// the entries.
func Summarize(path string) (Summary, error) {
	s, _, err := Read(path)
	return s, err
}
