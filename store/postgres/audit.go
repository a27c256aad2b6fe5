package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/actiongate/actiongate"
)

// auditDeleteBatch bounds the rows one retention statement deletes, so that a
// large first expiry does not run as one long transaction.
const auditDeleteBatch = 5000

// auditInsert appends the events whose fields are given as arrays, one row
// per array element: one statement whatever the number of events, prepared
// once per connection. The rows are inserted in array order, so that their
// identity values follow the order of the events.
const auditInsert = `INSERT INTO audit_event (time, request_id, account_id, identity_arn, access_key_id, user_arn,
	operation, resource_arn, outcome, error_code, source_ip, action_id, upstream_status, duration_us)
	SELECT time, request_id, account_id, identity_arn, access_key_id, user_arn,
		operation, resource_arn, outcome, error_code, source_ip, action_id, upstream_status, duration_us
	FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
		$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::integer[], $14::bigint[])
		WITH ORDINALITY AS e(time, request_id, account_id, identity_arn, access_key_id, user_arn,
			operation, resource_arn, outcome, error_code, source_ip, action_id, upstream_status, duration_us, n)
	ORDER BY n`

// AuditAppend stores events with one multi-row INSERT, all or none, each with
// a new identity value as its ID, increasing in the order given. Durations
// are kept to the microsecond, truncated.
func (db *DB) AuditAppend(ctx context.Context, events ...actiongate.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	var (
		times     = make([]time.Time, len(events))
		text      [11][]string // the text columns, in the statement's order
		statuses  = make([]int32, len(events))
		durations = make([]int64, len(events))
	)
	for c := range text {
		text[c] = make([]string, len(events))
	}
	for i, e := range events {
		times[i] = e.Time
		for c, v := range [...]string{e.RequestID, e.AccountID, e.IdentityARN, e.AccessKeyID, e.UserARN,
			e.Operation, e.ResourceARN, string(e.Outcome), e.ErrorCode, e.SourceIP, e.ActionID} {
			text[c][i] = v
		}
		statuses[i], durations[i] = int32(e.UpstreamStatus), e.Duration.Microseconds()
	}
	_, err := db.pool.Exec(ctx, auditInsert, times, text[0], text[1], text[2], text[3], text[4], text[5],
		text[6], text[7], text[8], text[9], text[10], statuses, durations)
	return wrap(err, "append audit events", errMap{})
}

// AuditList returns the events f selects in (time, id) order.
func (db *DB) AuditList(ctx context.Context, f actiongate.AuditFilter) ([]actiongate.AuditEvent, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !f.Since.IsZero() {
		where = append(where, "time >= "+arg(f.Since))
	}
	if !f.Until.IsZero() {
		where = append(where, "time < "+arg(f.Until))
	}
	if f.Identity != "" {
		p := arg(f.Identity)
		where = append(where, "(identity_arn = "+p+" OR access_key_id = "+p+")")
	}
	if f.AccountID != "" {
		where = append(where, "account_id = "+arg(f.AccountID))
	}
	if f.ResourceARN != "" {
		where = append(where, "resource_arn = "+arg(f.ResourceARN))
	}
	if f.Outcome != "" {
		where = append(where, "outcome = "+arg(string(f.Outcome)))
	}
	if !f.After.IsZero() {
		where = append(where, "(time, id) > ("+arg(f.After.Time)+", "+arg(f.After.ID)+")")
	}
	q := `SELECT id, time, request_id, account_id, identity_arn, access_key_id, user_arn, operation,
		resource_arn, outcome, error_code, source_ip, action_id, upstream_status, duration_us FROM audit_event`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY time, id"
	if f.Limit > 0 {
		q += " LIMIT " + arg(f.Limit)
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, wrap(err, "list audit events", errMap{})
	}
	defer rows.Close()
	out := []actiongate.AuditEvent{}
	for rows.Next() {
		var (
			e        actiongate.AuditEvent
			outcome  string
			upstream int32
			dur      int64
		)
		if err := rows.Scan(&e.ID, &e.Time, &e.RequestID, &e.AccountID, &e.IdentityARN, &e.AccessKeyID, &e.UserARN,
			&e.Operation, &e.ResourceARN, &outcome, &e.ErrorCode, &e.SourceIP,
			&e.ActionID, &upstream, &dur); err != nil {
			return nil, wrap(err, "list audit events", errMap{})
		}
		e.Time, e.Outcome = utc(e.Time), actiongate.AuditOutcome(outcome)
		e.UpstreamStatus, e.Duration = int(upstream), time.Duration(dur)*time.Microsecond
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list audit events", errMap{})
	}
	return out, nil
}

// AuditDelete deletes the events older than before, auditDeleteBatch rows per
// statement, and returns how many it deleted. Replicas that expire at once
// delete disjoint rows or none.
func (db *DB) AuditDelete(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		tag, err := db.pool.Exec(ctx, `DELETE FROM audit_event WHERE id IN
			(SELECT id FROM audit_event WHERE time < $1 ORDER BY time, id LIMIT $2)`, before, auditDeleteBatch)
		if err != nil {
			return total, wrap(err, "delete audit events", errMap{})
		}
		n := int(tag.RowsAffected())
		total += n
		if n < auditDeleteBatch {
			return total, nil
		}
	}
}
