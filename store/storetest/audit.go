package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The audit log: append, list with every filter and keyset pagination, and
// delete by time.
func (su suite) audit(t *testing.T) {
	su.run(t, "RoundTrip", func(h *h) {
		// Every field comes back, the time to the microsecond.
		e := auditEvent(0, acct1, "AKIAAUDIT00000000001", "CreateActionConnector", actiongate.AuditSuccess)
		e.Time = base.Add(123 * time.Microsecond)
		e.UserARN = principal(acct1, "alice")
		e.SourceIP = "192.0.2.7"
		empty := actiongate.AuditEvent{Time: base.Add(time.Second), RequestID: "r", AccountID: acct1,
			IdentityARN: "i", AccessKeyID: "k", Operation: "o", Outcome: actiongate.AuditFailure}
		wantNoError(h.t, "AuditAppend", h.s.AuditAppend(h.ctx, e, empty))
		got := h.auditList(actiongate.AuditFilter{})
		if len(got) != 2 {
			h.t.Fatalf("AuditList returned %d events, want 2", len(got))
		}
		if got[0].ID == 0 || got[1].ID == 0 || got[0].ID == got[1].ID {
			h.t.Errorf("IDs %d and %d: want distinct, non-zero IDs", got[0].ID, got[1].ID)
		}
		if !got[0].Time.Equal(e.Time) {
			h.t.Errorf("Time = %v, want %v: times are kept to the microsecond", got[0].Time, e.Time)
		}
		if diff := gocmp.Diff([]actiongate.AuditEvent{e, empty}, got, cmpopts.IgnoreFields(actiongate.AuditEvent{}, "ID")); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
	})
	su.run(t, "AppendNothing", func(h *h) {
		wantNoError(h.t, "AuditAppend()", h.s.AuditAppend(h.ctx))
		if got := h.auditList(actiongate.AuditFilter{}); len(got) != 0 {
			h.t.Errorf("AuditList of an empty log = %v", got)
		}
	})
	su.run(t, "Order", func(h *h) {
		// Oldest first, whatever the append order; append order within one
		// microsecond.
		var in []actiongate.AuditEvent
		for i, offset := range []int{5, 1, 3, 3, 3, 0, 4} {
			e := auditEvent(i, acct1, "K", "Op", actiongate.AuditSuccess)
			e.Time = base.Add(time.Duration(offset) * time.Second)
			in = append(in, e)
		}
		wantNoError(h.t, "AuditAppend", h.s.AuditAppend(h.ctx, in[:4]...))
		wantNoError(h.t, "AuditAppend", h.s.AuditAppend(h.ctx, in[4:]...))
		var ids []string
		for _, e := range h.auditList(actiongate.AuditFilter{}) {
			ids = append(ids, e.RequestID)
		}
		want := []string{"req-5", "req-1", "req-2", "req-3", "req-4", "req-6", "req-0"}
		if diff := gocmp.Diff(want, ids); diff != "" {
			h.t.Errorf("request ids in list order (-want +got):\n%s", diff)
		}
	})
	su.run(t, "Filters", func(h *h) {
		events := []actiongate.AuditEvent{
			auditEvent(0, acct1, "KEYA", "CreateActionConnector", actiongate.AuditSuccess),
			auditEvent(1, acct1, "KEYB", "DescribeActionConnector", actiongate.AuditFailure),
			auditEvent(2, acct2, "KEYC", "CreateActionConnector", actiongate.AuditFailure),
			auditEvent(3, acct1, "KEYA", "ListActionConnectors", actiongate.AuditSuccess),
			auditEvent(4, acct1, "KEYB", "DeleteActionConnector", actiongate.AuditSuccess),
		}
		events[1].ResourceARN = events[0].ResourceARN
		events[3].ResourceARN = "arn:aws:quicksight:us-east-1:" + acct1 + ":action-connector/*"
		wantNoError(h.t, "AuditAppend", h.s.AuditAppend(h.ctx, events...))
		cases := []struct {
			name string
			f    actiongate.AuditFilter
			want []int
		}{
			{"none", actiongate.AuditFilter{}, []int{0, 1, 2, 3, 4}},
			{"since", actiongate.AuditFilter{Since: events[2].Time}, []int{2, 3, 4}},
			{"until", actiongate.AuditFilter{Until: events[2].Time}, []int{0, 1}},
			{"range", actiongate.AuditFilter{Since: events[1].Time, Until: events[4].Time}, []int{1, 2, 3}},
			{"identity ARN", actiongate.AuditFilter{Identity: events[0].IdentityARN}, []int{0, 3}},
			{"access key id", actiongate.AuditFilter{Identity: "KEYB"}, []int{1, 4}},
			{"account", actiongate.AuditFilter{AccountID: acct2}, []int{2}},
			{"resource", actiongate.AuditFilter{ResourceARN: events[0].ResourceARN}, []int{0, 1}},
			{"resource wildcard is literal", actiongate.AuditFilter{ResourceARN: events[3].ResourceARN}, []int{3}},
			{"outcome", actiongate.AuditFilter{Outcome: actiongate.AuditFailure}, []int{1, 2}},
			{"all at once", actiongate.AuditFilter{Since: events[1].Time, Until: events[4].Time.Add(time.Microsecond),
				Identity: "KEYB", AccountID: acct1, Outcome: actiongate.AuditSuccess}, []int{4}},
			{"no match", actiongate.AuditFilter{Identity: "nobody"}, nil},
			{"limit", actiongate.AuditFilter{Outcome: actiongate.AuditSuccess, Limit: 2}, []int{0, 3}},
		}
		for _, c := range cases {
			var got []int
			for _, e := range h.auditList(c.f) {
				got = append(got, slices.IndexFunc(events, func(w actiongate.AuditEvent) bool { return w.RequestID == e.RequestID }))
			}
			if diff := gocmp.Diff(c.want, got); diff != "" {
				h.t.Errorf("%s: events (-want +got):\n%s", c.name, diff)
			}
		}
	})
	su.run(t, "Pages", func(h *h) {
		// Keyset pages by (Time, ID) cover every event once, also when many
		// share a microsecond, with and without a filter.
		var in []actiongate.AuditEvent
		for i := range 23 {
			e := auditEvent(i, acct1, "K", "Op", actiongate.AuditSuccess)
			e.Time = base.Add(time.Duration(i/4) * time.Millisecond)
			if i%3 == 0 {
				e.Outcome = actiongate.AuditFailure
			}
			in = append(in, e)
		}
		wantNoError(h.t, "AuditAppend", h.s.AuditAppend(h.ctx, in...))
		for _, f := range []actiongate.AuditFilter{{}, {Outcome: actiongate.AuditFailure}} {
			var want, got []string
			for _, e := range in {
				if f.Outcome == "" || e.Outcome == f.Outcome {
					want = append(want, e.RequestID)
				}
			}
			f.Limit = 5
			for pages := 0; ; pages++ {
				if pages > 100 {
					h.t.Fatalf("no end after %d pages", pages)
				}
				page := h.auditList(f)
				if len(page) > f.Limit {
					h.t.Fatalf("a page of %d events, over the limit of %d", len(page), f.Limit)
				}
				for _, e := range page {
					got = append(got, e.RequestID)
				}
				if len(page) < f.Limit {
					break
				}
				f.After = page[len(page)-1].Cursor()
			}
			if diff := gocmp.Diff(want, got); diff != "" {
				h.t.Errorf("outcome %q: paged request ids (-want +got):\n%s", f.Outcome, diff)
			}
		}
	})
	su.run(t, "Delete", func(h *h) {
		var in []actiongate.AuditEvent
		for i := range 6 {
			in = append(in, auditEvent(i, acct1, "K", "Op", actiongate.AuditSuccess))
		}
		wantNoError(h.t, "AuditAppend", h.s.AuditAppend(h.ctx, in...))
		n, err := h.s.AuditDelete(h.ctx, in[4].Time)
		wantNoError(h.t, "AuditDelete", err)
		if n != 4 {
			h.t.Errorf("AuditDelete deleted %d events, want 4", n)
		}
		got := h.auditList(actiongate.AuditFilter{})
		if len(got) != 2 || got[0].RequestID != "req-4" || got[1].RequestID != "req-5" {
			h.t.Errorf("after AuditDelete: %v, want req-4 and req-5", got)
		}
		// Idempotent, as replicas that expire together need.
		n, err = h.s.AuditDelete(h.ctx, in[4].Time)
		wantNoError(h.t, "AuditDelete again", err)
		if n != 0 {
			h.t.Errorf("AuditDelete again deleted %d events, want 0", n)
		}
	})
	su.run(t, "DeleteMany", func(h *h) {
		// More events than a driver may delete in one statement.
		const n = 12_345
		in := make([]actiongate.AuditEvent, n)
		for i := range in {
			in[i] = auditEvent(i, acct1, "K", "Op", actiongate.AuditSuccess)
			in[i].Time = base.Add(time.Duration(i) * time.Microsecond)
		}
		wantNoError(h.t, "AuditAppend", h.s.AuditAppend(h.ctx, in...))
		deleted, err := h.s.AuditDelete(h.ctx, base.Add(time.Hour))
		wantNoError(h.t, "AuditDelete", err)
		if deleted != n {
			h.t.Errorf("AuditDelete deleted %d events, want %d", deleted, n)
		}
		if got := h.auditList(actiongate.AuditFilter{Limit: 1}); len(got) != 0 {
			h.t.Errorf("events left: %v", got)
		}
	})
}

// auditEvent returns the i-th event of a fixture: request id req-<i>, a second
// after the previous one, on connector c<i>.
func auditEvent(i int, account, key, op string, outcome actiongate.AuditOutcome) actiongate.AuditEvent {
	e := actiongate.AuditEvent{
		Time:        base.Add(time.Duration(i) * time.Second),
		RequestID:   fmt.Sprintf("req-%d", i),
		AccountID:   account,
		IdentityARN: "arn:aws:iam::" + account + ":user/actiongate/" + key,
		AccessKeyID: key,
		Operation:   op,
		ResourceARN: fmt.Sprintf("arn:aws:quicksight:us-east-1:%s:action-connector/c%d", account, i),
		Outcome:     outcome,
	}
	if outcome == actiongate.AuditFailure {
		e.ErrorCode = "AccessDeniedException"
	}
	return e
}

func (h *h) auditList(f actiongate.AuditFilter) []actiongate.AuditEvent {
	h.t.Helper()
	events, err := h.s.AuditList(h.ctx, f)
	if err != nil {
		h.t.Fatalf("AuditList(%+v): %v", f, err)
	}
	return events
}
