package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/actiongate/actiongate"
)

// auditDeleteBatch bounds the rows one retention statement deletes, so that a
// large first expiry does not run as one long transaction.
const auditDeleteBatch = 5000

// AuditAppend stores events with one COPY, all or none, each with a new
// identity value as its ID. Durations are kept to the microsecond, truncated.
func (db *DB) AuditAppend(ctx context.Context, events ...actiongate.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	_, err := db.pool.CopyFrom(ctx, pgx.Identifier{"audit_event"},
		[]string{"time", "request_id", "account_id", "identity_arn", "access_key_id", "user_arn",
			"operation", "resource_arn", "outcome", "error_code", "source_ip",
			"action_id", "upstream_status", "duration_us"},
		pgx.CopyFromSlice(len(events), func(i int) ([]any, error) {
			e := events[i]
			return []any{e.Time, e.RequestID, e.AccountID, e.IdentityARN, e.AccessKeyID, e.UserARN,
				e.Operation, e.ResourceARN, string(e.Outcome), e.ErrorCode, e.SourceIP,
				e.ActionID, int32(e.UpstreamStatus), e.Duration.Microseconds()}, nil
		}))
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
