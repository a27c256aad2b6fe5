package audit

import (
	"cmp"
	"context"
	"log/slog"
	"time"
)

// Deleter deletes audit events by age; actiongate.AuditStore is one.
type Deleter interface {
	AuditDelete(ctx context.Context, before time.Time) (int, error)
}

// DefaultRetentionInterval is how often Retention.Run deletes expired events.
const DefaultRetentionInterval = time.Hour

// Retention deletes the events older than MaxAge. Deleting by time is
// idempotent, so every replica of a deployment may run one on the shared
// database.
type Retention struct {
	Store  Deleter       // required
	MaxAge time.Duration // events older than this are deleted; 0 or less keeps every event
	// Interval is the time between two deletions; default
	// DefaultRetentionInterval.
	Interval time.Duration
	Now      func() time.Time // default time.Now
	Logger   *slog.Logger     // default slog.Default()
}

// Expire deletes the events older than MaxAge now and returns how many it
// deleted; none when MaxAge is 0 or less.
func (rt *Retention) Expire(ctx context.Context) (int, error) {
	if rt.MaxAge <= 0 {
		return 0, nil
	}
	now := time.Now
	if rt.Now != nil {
		now = rt.Now
	}
	return rt.Store.AuditDelete(ctx, now().Add(-rt.MaxAge))
}

// Run calls Expire at once and then every Interval until ctx ends, logging
// what it deleted and its failures. It returns at once when MaxAge is 0 or
// less.
func (rt *Retention) Run(ctx context.Context) {
	if rt.MaxAge <= 0 {
		return
	}
	log := cmp.Or(rt.Logger, slog.Default())
	t := time.NewTicker(cmp.Or(rt.Interval, DefaultRetentionInterval))
	defer t.Stop()
	for {
		n, err := rt.Expire(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("deleting expired audit events", "err", err)
		case n > 0:
			log.Info("deleted expired audit events", "events", n, "retention", rt.MaxAge.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
