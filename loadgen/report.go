package loadgen

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Latency holds latency percentiles in milliseconds.
type Latency struct {
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	P999 float64 `json:"p99_9_ms"`
	Max  float64 `json:"max_ms"`
	Mean float64 `json:"mean_ms"`
}

func latencyOf(h *Histogram) Latency {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return Latency{P50: ms(h.Quantile(0.5)), P90: ms(h.Quantile(0.9)), P99: ms(h.Quantile(0.99)),
		P999: ms(h.Quantile(0.999)), Max: ms(h.Max()), Mean: ms(h.Mean())}
}

// Operation is what a run measured for one API operation. Latency covers
// every answered request, errors included.
type Operation struct {
	Name     string  `json:"name"`
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	RPS      float64 `json:"rps"` // requests per second of the measured window
	Latency  Latency `json:"latency"`
	// ErrorCounts counts failed requests by error code: the
	// X-Amzn-ErrorType of the answer, "HTTP <status>" when it has none, or
	// a transport failure (Timeout, ConnectionRefused, ConnectionReset, EOF,
	// OutOfSockets, TransportError).
	ErrorCounts map[string]int64 `json:"error_counts,omitempty"`
}

// Ratio relates a run to its Baseline.
type Ratio struct {
	// RPS is the run's requests per second over the baseline's: the share of
	// this machine's ceiling for a JSON API the server reaches. Zero for an
	// open loop, whose rate is fixed.
	RPS float64 `json:"rps"`
	// P50 and P99 are the run's latency percentiles over the baseline's.
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
}

// Added is what a run adds to the latency of its Direct reference: the run's
// percentile minus the reference's, in microseconds.
type Added struct {
	P50 float64 `json:"p50_us"`
	P99 float64 `json:"p99_us"`
}

// Report is the result of Run, Baseline or Direct. It encodes to JSON as it is.
type Report struct {
	Scenario    Scenario `json:"scenario"`
	Endpoint    string   `json:"endpoint"`
	Mode        string   `json:"mode"` // "closed" (fixed concurrency) or "open" (fixed rate)
	Concurrency int      `json:"concurrency"`
	// Rate is the scheduled iterations per second of an open loop.
	Rate            float64 `json:"rate,omitempty"`
	DurationSeconds float64 `json:"duration_s"`
	WarmupSeconds   float64 `json:"warmup_s"`
	// Iterations counts the measured iterations started; an iteration is one
	// request, or two for Create (Create, then Delete).
	Iterations int64 `json:"iterations"`
	// Unsent counts, in an open loop, the iterations scheduled in the
	// window that no worker could start before its end: the server (or the
	// worker count) could not keep up with Rate.
	Unsent int64 `json:"unsent,omitempty"`
	// Requests, Errors, RPS and Latency cover all operations.
	Requests    int64            `json:"requests"`
	Errors      int64            `json:"errors"`
	RPS         float64          `json:"rps"`
	Latency     Latency          `json:"latency"`
	ErrorCounts map[string]int64 `json:"error_counts,omitempty"`
	Operations  []Operation      `json:"operations"`
	// Server is the server process's CPU and memory when Config.ServerPID
	// was given; Client is this process's, to show whether the load
	// generator itself was the bottleneck.
	Server *ProcStats `json:"server,omitempty"`
	Client *ProcStats `json:"client,omitempty"`
	// Baseline and Ratio are set by Compare.
	Baseline *Report `json:"baseline,omitempty"`
	Ratio    *Ratio  `json:"ratio,omitempty"`
	// Direct, DirectRatio and Added are set by CompareDirect: an Invoke
	// run against the same upstream called directly.
	Direct      *Report `json:"direct,omitempty"`
	DirectRatio *Ratio  `json:"direct_ratio,omitempty"`
	Added       *Added  `json:"added,omitempty"`
	// UpstreamConnections counts, for Invoke, the connections the server
	// opened to the upstream from setup to the end of the measured window:
	// at most Concurrency when it reuses them, near Requests when it does
	// not.
	UpstreamConnections int64    `json:"upstream_connections,omitempty"`
	Notes               []string `json:"notes,omitempty"`
}

func newReport(cfg Config, res loopResult) *Report {
	secs := cfg.Duration.Seconds()
	r := &Report{
		Scenario: cfg.Scenario, Endpoint: cfg.Endpoint, Mode: "closed", Concurrency: cfg.Concurrency,
		Rate: cfg.Rate, DurationSeconds: secs, WarmupSeconds: cfg.Warmup.Seconds(),
		Iterations: res.rec.iterations, Operations: []Operation{},
	}
	if cfg.Rate > 0 {
		r.Mode = "open"
		r.Unsent = max(res.scheduled-res.rec.iterations, 0)
	}
	all := NewHistogram()
	for _, name := range res.rec.order {
		s := res.rec.ops[name]
		all.Merge(s.hist)
		op := Operation{Name: name, Requests: int64(s.hist.Count()), RPS: float64(s.hist.Count()) / secs, Latency: latencyOf(s.hist)}
		for code, n := range s.errors {
			op.Errors += n
			if op.ErrorCounts == nil {
				op.ErrorCounts = map[string]int64{}
			}
			op.ErrorCounts[code] = n
			if r.ErrorCounts == nil {
				r.ErrorCounts = map[string]int64{}
			}
			r.ErrorCounts[code] += n
		}
		r.Errors += op.Errors
		r.Operations = append(r.Operations, op)
	}
	r.Requests = int64(all.Count())
	r.RPS = float64(all.Count()) / secs
	r.Latency = latencyOf(all)
	return r
}

// Compare sets r.Baseline to base and r.Ratio to r's figures over base's.
// Ratios whose denominator is zero are left zero, and so is the RPS ratio of
// an open loop, whose rate is fixed: there the latency ratios are the
// figures. Run the baseline with the same Config as r for the ratios to mean
// anything.
func (r *Report) Compare(base *Report) {
	r.Baseline = base
	r.Ratio = r.ratio(base)
}

// CompareDirect sets r.Direct to ref (see Direct), r.DirectRatio to r's
// figures over ref's as Compare does, and r.Added to the latency r adds.
func (r *Report) CompareDirect(ref *Report) {
	r.Direct = ref
	r.DirectRatio = r.ratio(ref)
	r.Added = &Added{P50: (r.Latency.P50 - ref.Latency.P50) * 1000, P99: (r.Latency.P99 - ref.Latency.P99) * 1000}
}

func (r *Report) ratio(base *Report) *Ratio {
	div := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	}
	rps := div(r.RPS, base.RPS)
	if r.Mode == "open" {
		rps = 0
	}
	return &Ratio{RPS: rps, P50: div(r.Latency.P50, base.Latency.P50), P99: div(r.Latency.P99, base.Latency.P99)}
}

// WriteText writes r as a readable table.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s against %s: %s loop, %d workers", r.Scenario, r.Endpoint, r.Mode, r.Concurrency)
	if r.Mode == "open" {
		fmt.Fprintf(&b, ", %.0f iterations/s scheduled", r.Rate)
	}
	fmt.Fprintf(&b, ", %gs measured after %gs warmup\n", r.DurationSeconds, r.WarmupSeconds)
	fmt.Fprintf(&b, "%d iterations, %d requests, %d errors", r.Iterations, r.Requests, r.Errors)
	if r.Unsent > 0 {
		fmt.Fprintf(&b, ", %d scheduled iterations not sent (could not keep up)", r.Unsent)
	}
	b.WriteString("\n\n")
	// Names are padded to one width so that they read left-aligned.
	width := len("baseline (bare net/http)")
	for _, op := range r.Operations {
		width = max(width, len(op.Name))
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-*s\trequests\terrors\treq/s\tp50 ms\tp90 ms\tp99 ms\tp99.9 ms\tmax ms\t\n", width, "operation")
	row := func(name string, req, errs int64, rps float64, l Latency) {
		fmt.Fprintf(tw, "%-*s\t%d\t%d\t%.1f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t\n", width, name, req, errs, rps, l.P50, l.P90, l.P99, l.P999, l.Max)
	}
	for _, op := range r.Operations {
		row(op.Name, op.Requests, op.Errors, op.RPS, op.Latency)
	}
	if len(r.Operations) > 1 {
		row("all", r.Requests, r.Errors, r.RPS, r.Latency)
	}
	if r.Direct != nil {
		d := r.Direct
		row(opDirect, d.Requests, d.Errors, d.RPS, d.Latency)
	}
	if r.Baseline != nil {
		base := r.Baseline
		row("baseline (bare net/http)", base.Requests, base.Errors, base.RPS, base.Latency)
	}
	tw.Flush()
	errorLines := func(rep *Report) {
		for _, op := range rep.Operations {
			for _, code := range slices.Sorted(maps.Keys(op.ErrorCounts)) {
				fmt.Fprintf(&b, "  %s %s: %d\n", op.Name, code, op.ErrorCounts[code])
			}
		}
	}
	if len(r.ErrorCounts) > 0 || (r.Direct != nil && len(r.Direct.ErrorCounts) > 0) {
		b.WriteString("\nerrors by code:\n")
		errorLines(r)
		if r.Direct != nil {
			errorLines(r.Direct)
		}
	}
	ratio := func(label string, q *Ratio) {
		fmt.Fprintf(&b, "versus %s: ", label)
		if q.RPS > 0 {
			fmt.Fprintf(&b, "%.3f of its req/s, ", q.RPS)
		}
		fmt.Fprintf(&b, "p50 %.2fx, p99 %.2fx", q.P50, q.P99)
	}
	if r.Ratio != nil || r.DirectRatio != nil {
		b.WriteString("\n")
	}
	if r.Ratio != nil {
		ratio("baseline", r.Ratio)
		b.WriteString("\n")
	}
	if r.DirectRatio != nil {
		ratio("the upstream directly", r.DirectRatio)
		fmt.Fprintf(&b, "; added latency p50 %.0f µs, p99 %.0f µs\n", r.Added.P50, r.Added.P99)
	}
	proc := func(label string, p *ProcStats) {
		if p != nil {
			fmt.Fprintf(&b, "%s (pid %d): %.2f cores on average, peak RSS %.1f MiB in the window (VmHWM %.1f MiB), %d samples\n",
				label, p.PID, p.CPUCores, p.PeakRSSMiB, p.HighWaterMiB, p.Samples)
		}
	}
	if r.Server != nil || r.Client != nil {
		b.WriteString("\n")
	}
	if r.Scenario == Invoke {
		fmt.Fprintf(&b, "connections the server opened to the upstream, from setup to the end of the window: %d\n", r.UpstreamConnections)
	}
	proc("server", r.Server)
	proc("load generator", r.Client)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
