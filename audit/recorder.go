// Package audit records the audit log (actiongate.AuditEvent) off the request
// path and keeps it within its retention.
//
// A Recorder takes events from request handlers without waiting for the
// database: Record puts an event in a bounded buffer and returns at once, and
// one goroutine appends what the buffer holds in batches, when BatchSize
// events wait or FlushInterval after the first of a batch arrived, and on
// Close. The price is durability: events that are buffered when the process
// crashes or is killed are lost, at most FlushInterval's worth plus the batch
// being written. When the buffer is full (the database is slow or down) Record
// drops the event and counts it, rather than holding up the request; a batch
// that the database refuses is dropped and counted too. The counts are logged.
package audit

import (
	"cmp"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/actiongate/actiongate"
)

// Appender stores audit events; actiongate.AuditStore is one.
type Appender interface {
	AuditAppend(ctx context.Context, events ...actiongate.AuditEvent) error
}

// Defaults of Config. A batch costs its database a commit that rewrites the
// index pages it touched, which are about as many for 256 events as for
// 2048 (every connector's and caller's place in its index): on SQLite 2048
// events per batch take about a quarter less CPU per event than 256
// (BenchmarkAppend). The buffer holds a batch being written and the next.
const (
	DefaultBufferSize     = 16384
	DefaultBatchSize      = 2048
	DefaultFlushInterval  = 200 * time.Millisecond
	DefaultWriteTimeout   = 10 * time.Second
	DefaultReportInterval = time.Minute
)

// MaxFieldBytes bounds each text field of a recorded event; longer text, such
// as a ResourceArn path value chosen by a client, is cut at a character
// boundary.
const MaxFieldBytes = 2048

// Config configures a Recorder. Store is required.
type Config struct {
	Store Appender
	// BufferSize bounds the events waiting to be written; Record drops events
	// beyond it. Default DefaultBufferSize.
	BufferSize int
	// BatchSize is how many events are appended at most in one write, and how
	// many waiting events start a write at once. Default DefaultBatchSize.
	BatchSize int
	// FlushInterval is the longest an event waits for its batch to fill.
	// Default DefaultFlushInterval.
	FlushInterval time.Duration
	// WriteTimeout bounds one append. Default DefaultWriteTimeout.
	WriteTimeout time.Duration
	// ReportInterval is how often dropped and unattributed counts are
	// logged, when they grew. Default DefaultReportInterval.
	ReportInterval time.Duration
	// Logger receives failed writes and the counts; default slog.Default().
	Logger *slog.Logger
}

// Stats are a Recorder's counters since it started.
type Stats struct {
	Recorded uint64 // events Record took into the buffer
	Written  uint64 // events appended to the store
	Dropped  uint64 // events Record dropped because the buffer was full, or after Close
	Failed   uint64 // events lost because the store refused their batch
	// Unattributed counts requests refused before their caller was known (a
	// signature by an unknown key, an unsigned or unreadable request), which
	// have no event.
	Unattributed uint64
}

// Recorder buffers audit events and appends them to a store in batches. Its
// methods are safe for concurrent use.
type Recorder struct {
	cfg   Config
	log   *slog.Logger
	queue chan actiongate.AuditEvent
	done  chan struct{}

	mu     sync.RWMutex // held for writing by Close, for reading by Record
	closed bool

	recorded, written, dropped, failed, unattributed atomic.Uint64
}

// Start returns a Recorder for cfg and starts its writer. Close stops it.
func Start(cfg Config) *Recorder {
	cfg.BufferSize = max(cmp.Or(cfg.BufferSize, DefaultBufferSize), 1)
	cfg.BatchSize = max(cmp.Or(cfg.BatchSize, DefaultBatchSize), 1)
	cfg.FlushInterval = cmp.Or(cfg.FlushInterval, DefaultFlushInterval)
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, DefaultWriteTimeout)
	cfg.ReportInterval = cmp.Or(cfg.ReportInterval, DefaultReportInterval)
	r := &Recorder{
		cfg:   cfg,
		log:   cmp.Or(cfg.Logger, slog.Default()),
		queue: make(chan actiongate.AuditEvent, cfg.BufferSize),
		done:  make(chan struct{}),
	}
	go r.run()
	return r
}

// Record queues e to be written, with its text fields made valid UTF-8
// without control characters and at most MaxFieldBytes long, and its time
// truncated to the microsecond. It never blocks: when the buffer is full, or
// the Recorder is closed, e is dropped and counted.
func (r *Recorder) Record(e actiongate.AuditEvent) {
	e = clean(e)
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		r.dropped.Add(1)
		return
	}
	select {
	case r.queue <- e:
		r.recorded.Add(1)
	default:
		r.dropped.Add(1)
	}
}

// CountUnattributed counts a request that was refused before its caller was
// known, so that it has no event.
func (r *Recorder) CountUnattributed() { r.unattributed.Add(1) }

// Stats returns the Recorder's counters.
func (r *Recorder) Stats() Stats {
	return Stats{
		Recorded:     r.recorded.Load(),
		Written:      r.written.Load(),
		Dropped:      r.dropped.Load(),
		Failed:       r.failed.Load(),
		Unattributed: r.unattributed.Load(),
	}
}

// Close stops taking events and waits until the buffered ones are written, or
// until ctx ends, when it returns ctx's error and the rest are lost. Call it
// after the server stopped serving, so that the last calls are recorded.
func (r *Recorder) Close(ctx context.Context) error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	r.mu.Unlock()
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run is the writer: it batches the queue into appends until the queue is
// closed and drained.
func (r *Recorder) run() {
	defer close(r.done)
	batch := make([]actiongate.AuditEvent, 0, r.cfg.BatchSize)
	flush := time.NewTimer(0)
	<-flush.C
	var flushC <-chan time.Time // nil while the batch is empty
	reportTick := time.NewTicker(r.cfg.ReportInterval)
	defer reportTick.Stop()
	var reported Stats
	write := func() {
		if len(batch) > 0 {
			r.write(batch)
			batch = batch[:0]
		}
		flush.Stop()
		flushC = nil
	}
	for {
		select {
		case e, ok := <-r.queue:
			if !ok {
				write()
				r.report(&reported)
				return
			}
			batch = append(batch, e)
			if len(batch) >= r.cfg.BatchSize {
				write()
			} else if flushC == nil {
				flush.Reset(r.cfg.FlushInterval)
				flushC = flush.C
			}
		case <-flushC:
			flushC = nil
			write()
		case <-reportTick.C:
			r.report(&reported)
		}
	}
}

// write appends batch, or counts it failed.
func (r *Recorder) write(batch []actiongate.AuditEvent) {
	ctx, cancel := context.WithTimeout(context.Background(), r.cfg.WriteTimeout)
	defer cancel()
	if err := r.cfg.Store.AuditAppend(ctx, batch...); err != nil {
		r.failed.Add(uint64(len(batch)))
		r.log.Error("audit events lost: the store refused them", "events", len(batch), "err", err)
		return
	}
	r.written.Add(uint64(len(batch)))
}

// report logs the dropped and unattributed counts when they grew since last.
func (r *Recorder) report(last *Stats) {
	s := r.Stats()
	if s.Dropped > last.Dropped {
		r.log.Warn("audit events dropped: the audit buffer was full", "dropped", s.Dropped-last.Dropped, "dropped_total", s.Dropped)
	}
	if s.Unattributed > last.Unattributed {
		r.log.Info("requests refused before their caller was known, not in the audit log",
			"requests", s.Unattributed-last.Unattributed, "requests_total", s.Unattributed)
	}
	*last = s
}

// printableASCII reports whether s holds only ASCII characters that are not
// control characters.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// clean returns e with every text field valid UTF-8, without control
// characters, at most MaxFieldBytes long, and its time truncated to the
// microsecond in UTC.
func clean(e actiongate.AuditEvent) actiongate.AuditEvent {
	for _, p := range []*string{&e.RequestID, &e.AccountID, &e.IdentityARN, &e.AccessKeyID, &e.UserARN,
		&e.Operation, &e.ResourceARN, &e.ErrorCode, &e.SourceIP} {
		*p = cleanText(*p)
	}
	e.Outcome = actiongate.AuditOutcome(cleanText(string(e.Outcome)))
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	return e
}

func cleanText(s string) string {
	if len(s) <= MaxFieldBytes && printableASCII(s) {
		return s // the common case, checked without decoding runes
	}
	if utf8.ValidString(s) && len(s) <= MaxFieldBytes && strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return '\uFFFD'
		}
		return c
	}, s)
	if len(s) > MaxFieldBytes {
		cut := MaxFieldBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}
