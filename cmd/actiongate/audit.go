package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/actiongate/actiongate"
)

// auditPage is how many events auditCommand reads from the store at a time.
const auditPage = 1000

// auditCommand prints the audit events that its flags select as JSON lines,
// oldest first. It reads the store directly, so it works while servers run.
func auditCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		st       storage
		since    = fs.String("since", "", "only events at or after this time: RFC 3339 (2026-05-01T00:00:00Z) or a duration before now (24h)")
		until    = fs.String("until", "", "only events before this time: RFC 3339 or a duration before now")
		identity = fs.String("identity", "", "only events of this identity: its ARN or its access key id")
		resource = fs.String("resource", "", "only events on this resource ARN (action-connector/* for List and Search)")
		outcome  = fs.String("outcome", "", "only events of this outcome: Success or Failure")
		account  = fs.String("account", "", "only events of callers in this account")
		limit    = fs.Int("limit", 0, "print at most this many events, the oldest (0: all)")
	)
	st.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	now := time.Now()
	f := actiongate.AuditFilter{Identity: *identity, ResourceARN: *resource, AccountID: *account}
	var err error
	if f.Since, err = parseAuditTime(*since, now); err != nil {
		return fmt.Errorf("--since: %w", err)
	}
	if f.Until, err = parseAuditTime(*until, now); err != nil {
		return fmt.Errorf("--until: %w", err)
	}
	switch {
	case *outcome == "":
	case strings.EqualFold(*outcome, string(actiongate.AuditSuccess)):
		f.Outcome = actiongate.AuditSuccess
	case strings.EqualFold(*outcome, string(actiongate.AuditFailure)):
		f.Outcome = actiongate.AuditFailure
	default:
		return fmt.Errorf("--outcome: %q is neither Success nor Failure", *outcome)
	}
	if *limit < 0 {
		return errors.New("--limit must not be negative")
	}
	store, err := st.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for left := *limit; ; {
		f.Limit = auditPage
		if *limit > 0 {
			f.Limit = min(left, auditPage)
		}
		events, err := store.AuditList(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range events {
			if err := enc.Encode(auditLineOf(e)); err != nil {
				return err
			}
		}
		left -= len(events)
		if len(events) < f.Limit || (*limit > 0 && left == 0) {
			break
		}
		f.After = events[len(events)-1].Cursor()
	}
	return w.Flush()
}

// parseAuditTime reads an RFC 3339 time, or a duration that counts back from
// now; "" is the zero time.
func parseAuditTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor a positive duration", s)
	}
	return now.Add(-d), nil
}

// auditLine is one line of `actiongate audit`: an event with camelCase names,
// after CloudTrail's. Empty optional fields are left out.
type auditLine struct {
	EventTime   string `json:"eventTime"` // UTC, to the microsecond
	EventID     int64  `json:"eventId"`
	RequestID   string `json:"requestId"`
	AccountID   string `json:"accountId"`
	IdentityARN string `json:"identityArn"`
	AccessKeyID string `json:"accessKeyId"`
	UserARN     string `json:"userArn,omitempty"`
	Operation   string `json:"operation"`
	ResourceARN string `json:"resourceArn,omitempty"`
	Outcome     string `json:"outcome"`
	ErrorCode   string `json:"errorCode,omitempty"`
	SourceIP    string `json:"sourceIp,omitempty"`
	// The action of an InvokeAction, the status its upstream answered, and
	// how long the upstream call took.
	ActionID       string  `json:"actionId,omitempty"`
	UpstreamStatus int     `json:"upstreamStatus,omitempty"`
	DurationMillis float64 `json:"durationMillis,omitempty"`
}

func auditLineOf(e actiongate.AuditEvent) auditLine {
	return auditLine{
		EventTime:   e.Time.UTC().Format("2006-01-02T15:04:05.000000Z07:00"),
		EventID:     e.ID,
		RequestID:   e.RequestID,
		AccountID:   e.AccountID,
		IdentityARN: e.IdentityARN,
		AccessKeyID: e.AccessKeyID,
		UserARN:     e.UserARN,
		Operation:   e.Operation,
		ResourceARN: e.ResourceARN,
		Outcome:     string(e.Outcome),
		ErrorCode:   e.ErrorCode,
		SourceIP:    e.SourceIP,

		ActionID:       e.ActionID,
		UpstreamStatus: e.UpstreamStatus,
		DurationMillis: float64(e.Duration.Microseconds()) / 1000,
	}
}
