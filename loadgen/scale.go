package loadgen

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/actiongate/actiongate"
)

// Scale test defaults.
const (
	DefaultScaleWorkers   = 16
	DefaultSeedBatch      = 5000
	scaleAccounts         = 100 // the measured account and 99 others
	scaleWords            = 997 // distinct words in the seeded names
	scaleMeasuredFraction = 10  // one connector in 10 is in the measured account
)

// Seeder stores connectors in bulk, directly in a server's database: the
// ConnectorCreateMany of store/sqlite.DB and store/postgres.DB. It stores
// those whose id is free in their account and returns how many it stored.
type Seeder interface {
	ConnectorCreateMany(ctx context.Context, cs []*actiongate.Connector) (int, error)
}

// ScaleConfig configures RunScale.
type ScaleConfig struct {
	// Config is the load of each measurement: Endpoint, AccountID (the
	// measured account) and Credentials are required; Concurrency defaults
	// to DefaultScaleWorkers, Duration and Warmup are per operation and
	// size. Scenario, Rate and Connectors are ignored.
	Config
	// Sizes are the numbers of connectors to hold, in increasing order.
	Sizes []int
	// Store is the database of the server at Endpoint.
	Store Seeder
	// SeedBatch is how many connectors one ConnectorCreateMany call
	// stores; default DefaultSeedBatch.
	SeedBatch int
}

// ScaleReport is the result of RunScale. It encodes to JSON as it is.
type ScaleReport struct {
	Endpoint        string      `json:"endpoint"`
	AccountID       string      `json:"account_id"`
	Concurrency     int         `json:"concurrency"`
	DurationSeconds float64     `json:"duration_seconds"` // per operation and size
	WarmupSeconds   float64     `json:"warmup_seconds"`
	Steps           []ScaleStep `json:"steps"`
}

// ScaleStep is what RunScale measured at one size.
type ScaleStep struct {
	// Connectors is how many the scale test has stored in all, InAccount
	// how many of them are in the measured account.
	Connectors int `json:"connectors"`
	InAccount  int `json:"in_account"`
	// Seeded is how many were stored for this step (fewer than the
	// difference with the previous step when some existed already), in
	// SeedSeconds.
	Seeded      int                `json:"seeded"`
	SeedSeconds float64            `json:"seed_seconds"`
	Operations  []ScaleOperation   `json:"operations"`
	Server      *ScaleServerMemory `json:"server,omitempty"`
}

// ScaleOperation is one operation measured at one size. Latency covers every
// answered request, errors included.
type ScaleOperation struct {
	// Name is Describe, List, "Search StringEquals" or "Search StringLike".
	Name        string           `json:"name"`
	Requests    int64            `json:"requests"`
	Errors      int64            `json:"errors"`
	RPS         float64          `json:"rps"`
	Latency     Latency          `json:"latency"`
	ErrorCounts map[string]int64 `json:"error_counts,omitempty"`
	// Results is how many connectors the checked request before the load
	// returned (1 for Describe).
	Results int `json:"results"`
}

// ScaleServerMemory is the server's memory during a step's measurements.
type ScaleServerMemory struct {
	PeakRSSMiB float64 `json:"peak_rss_mib"` // the largest RSS sampled
	CPUCores   float64 `json:"cpu_cores"`    // averaged over the windows
}

// Scale operation names.
const (
	scaleDescribe     = "Describe"
	scaleList         = "List"
	scaleSearchEquals = "Search StringEquals"
	scaleSearchLike   = "Search StringLike"
)

// RunScale stores connectors up to each of cfg.Sizes through cfg.Store,
// spread over 100 accounts with a tenth in cfg.AccountID, and at each size
// measures, through the server at cfg.Endpoint with signed requests,
// DescribeActionConnector, a ListActionConnectors page of 100, and
// SearchActionConnectors by name with StringEquals and with StringLike
// ("*word*"), one operation after the other. Before each measurement it sends
// one request and checks its answer against what was stored, and fails when it
// differs. The connectors are named "scale-NNNNNNN", the other accounts
// 99999999NNNN; they are left in place, so that a later run with the same
// sizes stores nothing new. A size smaller than what an earlier run stored
// cannot be measured on the same database: RunScale then fails. Errors
// answered under load are counted, not returned.
func RunScale(ctx context.Context, cfg ScaleConfig) (*ScaleReport, error) {
	if cfg.Concurrency == 0 {
		cfg.Concurrency = DefaultScaleWorkers
	}
	cfg.Scenario, cfg.Rate = Describe, 0
	base, err := cfg.Config.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Store == nil {
		return nil, errors.New("loadgen: ScaleConfig.Store is required")
	}
	if len(cfg.Sizes) == 0 || !slices.IsSorted(cfg.Sizes) || cfg.Sizes[0] < scaleMeasuredFraction {
		return nil, fmt.Errorf("loadgen: scale sizes %v must be increasing, each %d or more", cfg.Sizes, scaleMeasuredFraction)
	}
	batch := cmp.Or(cfg.SeedBatch, DefaultSeedBatch)
	c := base.client()
	rep := &ScaleReport{Endpoint: base.Endpoint, AccountID: base.AccountID, Concurrency: base.Concurrency,
		DurationSeconds: base.Duration.Seconds(), WarmupSeconds: base.Warmup.Seconds()}
	layout := scaleLayout{account: base.AccountID}
	stored, prev := 0, 0
	for _, size := range cfg.Sizes {
		st := ScaleStep{Connectors: size, InAccount: layout.inAccount(size)}
		start := time.Now()
		for stored < size {
			n := min(batch, size-stored)
			k, err := cfg.Store.ConnectorCreateMany(ctx, layout.connectors(stored, n, start))
			if err != nil {
				return rep, fmt.Errorf("loadgen: seeding connectors %d to %d: %w", stored, stored+n, err)
			}
			st.Seeded += k
			stored += n
		}
		st.SeedSeconds = time.Since(start).Seconds()
		sc := scaleRun{cfg: base, c: c, layout: layout, size: size}
		if st.Seeded < size-prev {
			// Some existed: an earlier run may have stored more.
			if err := sc.checkNoMore(ctx); err != nil {
				return rep, err
			}
		}
		prev = size
		mem := &ScaleServerMemory{}
		for _, op := range []string{scaleDescribe, scaleList, scaleSearchEquals, scaleSearchLike} {
			results, err := sc.check(ctx, op)
			if err != nil {
				return rep, err
			}
			r := measure(ctx, base, sc.iteration(op), func(ctx context.Context, s step) string {
				resp, err := c.do(ctx, s, false)
				if err != nil {
					return "RequestBuildError"
				}
				return resp.code
			})
			so := ScaleOperation{Name: op, Requests: r.Requests, Errors: r.Errors, RPS: r.RPS, Latency: r.Latency,
				ErrorCounts: r.ErrorCounts, Results: results}
			st.Operations = append(st.Operations, so)
			if r.Server != nil {
				mem.PeakRSSMiB = max(mem.PeakRSSMiB, r.Server.PeakRSSMiB)
				mem.CPUCores += r.Server.CPUCores / 4
			}
			if ctx.Err() != nil {
				break
			}
		}
		if base.ServerPID > 0 {
			st.Server = mem
		}
		rep.Steps = append(rep.Steps, st)
		if err := ctx.Err(); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// scaleLayout says where the scale test puts connector i: in the measured
// account when i is a multiple of 10, else in one of 99 other accounts; its
// name holds one of scaleWords words, which StringLike searches for.
type scaleLayout struct{ account string }

func (l scaleLayout) accountOf(i int) string {
	if i%scaleMeasuredFraction == 0 {
		return l.account
	}
	return fmt.Sprintf("99999999%04d", i%(scaleAccounts-1))
}

func scaleID(i int) string { return fmt.Sprintf("scale-%07d", i) }

// scaleWord returns word k: three consonant-vowel syllables, distinct for
// every k below 4900.
func scaleWord(k int) string {
	const cons, vows = "bdfgklmnprstvz", "aeiou"
	syl := func(j int) string { j %= 70; return string(cons[j/5]) + string(vows[j%5]) }
	return syl(k) + syl(k/70) + syl(k*7+3)
}

func scaleName(i int) string { return fmt.Sprintf("Scale %s %07d", scaleWord(i%scaleWords), i) }

// inAccount returns how many of the first n connectors are in the measured
// account.
func (l scaleLayout) inAccount(n int) int {
	return (n + scaleMeasuredFraction - 1) / scaleMeasuredFraction
}

// connectors returns connectors from..from+n-1.
func (l scaleLayout) connectors(from, n int, now time.Time) []*actiongate.Connector {
	cs := make([]*actiongate.Connector, n)
	for j := range cs {
		i := from + j
		cs[j] = &actiongate.Connector{
			AccountID: l.accountOf(i), ID: scaleID(i), Type: actiongate.TypeGenericHTTP, Name: scaleName(i),
			Description: "Stored by the actiongate scale test",
			Auth: actiongate.AuthConfig{Type: actiongate.AuthNone,
				None: &actiongate.NoneAuth{BaseEndpoint: "https://scale.example.com"}},
			Status: actiongate.StatusCreationSuccessful, CreatedTime: now, LastUpdatedTime: now,
		}
	}
	return cs
}

// scaleRun is the measurement at one size.
type scaleRun struct {
	cfg    Config
	c      *client
	layout scaleLayout
	size   int
}

// pick returns a pseudo-random number below n for iteration i, the same in
// every run.
func pick(i int64, n int) int {
	x := uint64(i+1) * 0x9E3779B97F4A7C15
	x ^= x >> 29
	return int(x % uint64(n))
}

// member returns a pseudo-random connector of the measured account.
func (s scaleRun) member(i int64) int {
	return pick(i, s.layout.inAccount(s.size)) * scaleMeasuredFraction
}

func (s scaleRun) req() requests { return requests{account: s.cfg.AccountID, region: s.cfg.Region} }

func (s scaleRun) searchStep(operator, value string) step {
	st := s.req().search(value)
	st.body = mustJSON(searchInput{Filters: []searchFilter{{Name: "ACTION_CONNECTOR_NAME", Operator: operator, Value: value}}})
	return st
}

// wordOf returns the word StringLike looks for in iteration i: that of a
// connector of the measured account, so that it has matches there.
func (s scaleRun) wordOf(i int64) string { return scaleWord(s.member(i) % scaleWords) }

func (s scaleRun) iteration(op string) func(i int64) []step {
	switch op {
	case scaleDescribe:
		return func(i int64) []step { return []step{s.req().describe(scaleID(s.member(i)))} }
	case scaleList:
		return func(int64) []step { return []step{s.req().list()} }
	case scaleSearchEquals:
		return func(i int64) []step { return []step{s.searchStep("StringEquals", scaleName(s.member(i)))} }
	default:
		return func(i int64) []step { return []step{s.searchStep("StringLike", "*"+s.wordOf(i)+"*")} }
	}
}

// checkNoMore fails when the database holds the measured account's next
// connector after the first s.size, which an earlier run with larger sizes
// stored: the figures would be those of a larger database.
func (s scaleRun) checkNoMore(ctx context.Context) error {
	next := s.layout.inAccount(s.size) * scaleMeasuredFraction
	r, err := s.c.doRetry(ctx, s.req().describe(scaleID(next)), false)
	if err != nil {
		return fmt.Errorf("loadgen: scale %d: %w", s.size, err)
	}
	switch r.code {
	case "ResourceNotFoundException":
		return nil
	case "":
		return fmt.Errorf("loadgen: scale %d: the database holds more connectors, stored by an earlier run (%s exists): "+
			"measure this size on a fresh database, or give only sizes from the largest stored", s.size, scaleID(next))
	}
	return fmt.Errorf("loadgen: scale %d: DescribeActionConnector %s: %s", s.size, scaleID(next), r.code)
}

// check sends iteration 0 of op and compares the answer with what the layout
// stored; it returns how many connectors the answer held.
func (s scaleRun) check(ctx context.Context, op string) (int, error) {
	st := s.iteration(op)(0)[0]
	r, err := s.c.doRetry(ctx, st, true)
	if err == nil && r.code != "" {
		err = fmt.Errorf("%s: %s", r.code, r.body)
	}
	if err != nil {
		return 0, fmt.Errorf("loadgen: scale %d, %s: %w", s.size, op, err)
	}
	fail := func(format string, a ...any) (int, error) {
		return 0, fmt.Errorf("loadgen: scale %d, %s: "+format, append([]any{s.size, op}, a...)...)
	}
	type summary struct{ ActionConnectorId, Name string }
	var body struct {
		ActionConnector          *summary
		ActionConnectorSummaries []summary
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		return fail("the answer does not parse: %v", err)
	}
	got := body.ActionConnectorSummaries
	switch op {
	case scaleDescribe:
		want := s.member(0)
		if a := body.ActionConnector; a == nil || a.ActionConnectorId != scaleID(want) || a.Name != scaleName(want) {
			return fail("got %+v, want %s named %q", body.ActionConnector, scaleID(want), scaleName(want))
		}
		return 1, nil
	case scaleList:
		if len(got) != min(100, s.layout.inAccount(s.size)) && len(got) != 100 {
			return fail("a page of %d connectors, want 100 or all %d", len(got), s.layout.inAccount(s.size))
		}
		if !slices.IsSortedFunc(got, func(a, b summary) int { return strings.Compare(a.ActionConnectorId, b.ActionConnectorId) }) {
			return fail("the page is not ordered by id")
		}
	case scaleSearchEquals:
		want := s.member(0)
		if len(got) != 1 || got[0].ActionConnectorId != scaleID(want) {
			return fail("got %v, want only %s", got, scaleID(want))
		}
	case scaleSearchLike:
		word := s.wordOf(0)
		var want []string // the ids of the measured account whose names hold word
		for i := 0; i < s.size && len(want) < 100; i += scaleMeasuredFraction {
			if strings.Contains(strings.ToLower(scaleName(i)), word) {
				want = append(want, scaleID(i))
			}
		}
		ids := make([]string, len(got))
		for i, g := range got {
			ids[i] = g.ActionConnectorId
		}
		if !slices.Equal(ids, want) {
			return fail("*%s* found %d connectors %v, want %d %v", word, len(ids), ids, len(want), want)
		}
	}
	return len(got), nil
}

// WriteText writes r as a table, one row per size and operation.
func (r *ScaleReport) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "scale test against %s: closed loop, %d workers, %gs per operation after %gs warmup\n",
		r.Endpoint, r.Concurrency, r.DurationSeconds, r.WarmupSeconds)
	fmt.Fprintf(w, "a tenth of the connectors in account %s, the rest in 99 others\n\n", r.AccountID)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "connectors\tin account\tseeded\tseed s\toperation\tresults\trequests\terrors\treq/s\tp50 ms\tp99 ms\tserver RSS MiB\t\n")
	for _, s := range r.Steps {
		rss := "-"
		if s.Server != nil {
			rss = fmt.Sprintf("%.1f", s.Server.PeakRSSMiB)
		}
		for i, op := range s.Operations {
			if i == 0 {
				fmt.Fprintf(tw, "%d\t%d\t%d\t%.1f\t", s.Connectors, s.InAccount, s.Seeded, s.SeedSeconds)
			} else {
				fmt.Fprint(tw, "\t\t\t\t")
				rss = ""
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f\t%.3f\t%.3f\t%s\t\n", op.Name, op.Results, op.Requests, op.Errors, op.RPS,
				op.Latency.P50, op.Latency.P99, rss)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range r.Steps {
		for _, op := range s.Operations {
			if len(op.ErrorCounts) > 0 {
				fmt.Fprintf(w, "\nerrors at %d, %s: %v", s.Connectors, op.Name, op.ErrorCounts)
			}
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}
