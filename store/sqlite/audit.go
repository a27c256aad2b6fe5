package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/actiongate/actiongate"
)

// auditDeleteBatch bounds the rows one retention transaction deletes, so that
// a large first expiry does not hold the writer lock for long.
const auditDeleteBatch = 5000

// auditInsertRows bounds the rows of one INSERT: 14 parameters each, well
// within SQLite's limit of 32766 parameters per statement.
const auditInsertRows = 256

// auditInserts holds the INSERT statement of each number of rows up to
// auditInsertRows, built on first use.
var auditInserts [auditInsertRows + 1]atomic.Pointer[string]

// auditInsert returns the INSERT of n rows of audit events.
func auditInsert(n int) string {
	if q := auditInserts[n].Load(); q != nil {
		return *q
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_event (time, request_id, account_id, identity_arn, access_key_id, user_arn,
		operation, resource_arn, outcome, error_code, source_ip, action_id, upstream_status, duration_us) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
	}
	q := b.String()
	auditInserts[n].Store(&q)
	return q
}

// AuditAppend stores events in one transaction, auditInsertRows rows per
// INSERT, each with a new rowid as its ID, assigned in the order given.
// Durations are kept to the microsecond, truncated.
func (db *DB) AuditAppend(ctx context.Context, events ...actiongate.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	args := make([]any, 0, 14*min(len(events), auditInsertRows))
	return db.write(ctx, func(tx *sql.Tx) error {
		for chunk := range slices.Chunk(events, auditInsertRows) {
			args = args[:0]
			for _, e := range chunk {
				args = append(args, micros(e.Time), e.RequestID, e.AccountID, e.IdentityARN,
					e.AccessKeyID, e.UserARN, e.Operation, e.ResourceARN, string(e.Outcome), e.ErrorCode, e.SourceIP,
					e.ActionID, e.UpstreamStatus, e.Duration.Microseconds())
			}
			if _, err := tx.ExecContext(ctx, auditInsert(len(chunk)), args...); err != nil {
				return wrap(err, "append audit events", nil)
			}
		}
		return nil
	})
}

// AuditList returns the events f selects in (time, id) order.
func (db *DB) AuditList(ctx context.Context, f actiongate.AuditFilter) ([]actiongate.AuditEvent, error) {
	var (
		where []string
		args  []any
	)
	if !f.Since.IsZero() {
		where, args = append(where, "time >= ?"), append(args, micros(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, "time < ?"), append(args, micros(f.Until))
	}
	if f.Identity != "" {
		where, args = append(where, "(identity_arn = ? OR access_key_id = ?)"), append(args, f.Identity, f.Identity)
	}
	if f.AccountID != "" {
		where, args = append(where, "account_id = ?"), append(args, f.AccountID)
	}
	if f.ResourceARN != "" {
		where, args = append(where, "resource_arn = ?"), append(args, f.ResourceARN)
	}
	if f.Outcome != "" {
		where, args = append(where, "outcome = ?"), append(args, string(f.Outcome))
	}
	if !f.After.IsZero() {
		where, args = append(where, "(time, id) > (?, ?)"), append(args, micros(f.After.Time), f.After.ID)
	}
	q := `SELECT id, time, request_id, account_id, identity_arn, access_key_id, user_arn, operation,
		resource_arn, outcome, error_code, source_ip, action_id, upstream_status, duration_us FROM audit_event`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY time, id"
	if f.Limit > 0 {
		q, args = q+" LIMIT ?", append(args, f.Limit)
	}
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(err, "list audit events", nil)
	}
	defer rows.Close()
	out := []actiongate.AuditEvent{}
	for rows.Next() {
		var (
			e       actiongate.AuditEvent
			us, dur int64
		)
		if err := rows.Scan(&e.ID, &us, &e.RequestID, &e.AccountID, &e.IdentityARN, &e.AccessKeyID, &e.UserARN,
			&e.Operation, &e.ResourceARN, &e.Outcome, &e.ErrorCode, &e.SourceIP,
			&e.ActionID, &e.UpstreamStatus, &dur); err != nil {
			return nil, wrap(err, "list audit events", nil)
		}
		e.Time = fromMicros(us)
		e.Duration = time.Duration(dur) * time.Microsecond
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list audit events", nil)
	}
	return out, nil
}

// AuditDelete deletes the events older than before, auditDeleteBatch rows per
// transaction, and returns how many it deleted.
func (db *DB) AuditDelete(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		var n int64
		err := db.write(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM audit_event WHERE id IN
				(SELECT id FROM audit_event WHERE time < ? ORDER BY time, id LIMIT ?)`, micros(before), auditDeleteBatch)
			if err != nil {
				return wrap(err, "delete audit events", nil)
			}
			n, err = res.RowsAffected()
			return wrap(err, "delete audit events", nil)
		})
		total += int(n)
		if err != nil || n < auditDeleteBatch {
			return total, err
		}
	}
}
