package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/actiongate/actiongate"
)

// maxCreateBatch bounds the creates that share one commit.
const maxCreateBatch = 256

// createRequest is one ConnectorCreate waiting for its commit.
type createRequest struct {
	ctx     context.Context
	c       *actiongate.Connector
	row     connectorRow
	secrets []actiongate.SealedSecret
	perms   []actiongate.Permission
	tags    []actiongate.Tag
	err     error
	// ready receives true when the request is to lead the next batch, or
	// false when its batch was committed (or failed) and err is its result.
	ready chan bool
}

// createGroup lets concurrent ConnectorCreate calls share one transaction and
// so one fsync (group commit). Each call queues its request; when no batch is
// being committed it leads one: it takes the queue (its own request first),
// inserts each request's rows under a SAVEPOINT of its own, so that a failing
// insert (an id taken: KindExists) undoes only that request, commits, and
// hands every request its result. Requests queued meanwhile wait for the
// batch in progress, then the first of them leads the next. Nothing is
// answered before the commit that holds it, which synchronous=FULL makes
// durable; when the commit fails, every request of the batch fails.
type createGroup struct {
	mu    sync.Mutex
	queue []*createRequest
	busy  bool // a batch is being committed
}

// do runs req in a batch, leading one if none is in progress, and returns its
// result. A request whose context is done before its batch starts fails with
// the context's error; once started it runs to the end of its batch.
func (g *createGroup) do(db *DB, req *createRequest) error {
	g.mu.Lock()
	g.queue = append(g.queue, req)
	lead := !g.busy
	g.busy = true
	g.mu.Unlock()
	if !lead {
		lead = <-req.ready
	}
	if lead {
		g.lead(db)
	}
	return req.err
}

// lead commits the requests at the head of the queue, then passes the lead to
// the next request queued, if any.
func (g *createGroup) lead(db *DB) {
	g.mu.Lock()
	n := min(len(g.queue), maxCreateBatch)
	batch := append([]*createRequest(nil), g.queue[:n]...)
	g.queue = append(g.queue[:0:0], g.queue[n:]...)
	g.mu.Unlock()

	committed := false
	defer func() {
		// Also when commitCreates panics: no caller may wait forever.
		for _, r := range batch {
			if !committed && r.err == nil {
				r.err = errors.New("sqlite: create batch aborted")
			}
		}
		for _, r := range batch[1:] {
			r.ready <- false
		}
		g.mu.Lock()
		if len(g.queue) > 0 {
			g.queue[0].ready <- true
		} else {
			g.busy = false
		}
		g.mu.Unlock()
	}()
	db.commitCreates(batch)
	committed = true
}

// commitCreates inserts the requests of batch in one transaction and sets
// each one's err. The statements run under a context that is not cancelled:
// cancelling one caller's statement would roll back everyone's transaction.
func (db *DB) commitCreates(batch []*createRequest) {
	ctx := context.WithoutCancel(batch[0].ctx)
	var live []*createRequest
	for _, r := range batch {
		if r.err = r.ctx.Err(); r.err == nil {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		r := live[0]
		r.err = db.write(ctx, func(tx *sql.Tx) error { return insertConnector(ctx, tx, r) })
		return
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		for _, r := range live {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT create_connector`); err != nil {
				return wrap(err, "savepoint", nil)
			}
			if r.err = insertConnector(ctx, tx, r); r.err != nil {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO create_connector`); err != nil {
					return wrap(err, "rollback to savepoint", nil)
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE create_connector`); err != nil {
				return wrap(err, "release savepoint", nil)
			}
		}
		return nil
	})
	if err != nil {
		// Nothing of the batch was committed.
		for _, r := range live {
			if r.err == nil {
				r.err = err
			}
		}
	}
}

// insertConnector inserts the rows of one ConnectorCreate in tx.
func insertConnector(ctx context.Context, tx *sql.Tx, req *createRequest) error {
	c, r := req.c, req.row
	if _, err := tx.ExecContext(ctx, `INSERT INTO connector (`+connectorColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		c.AccountID, c.ID, r.typ, r.name, r.description, r.vpc, r.auth,
		r.actions, r.status, r.errType, r.errMessage, r.created, r.updated); err != nil {
		return wrap(err, "insert connector", func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "Action connector %s exists already in account %s.", c.ID, c.AccountID)
		})
	}
	// A connector that did not exist owns no secrets; remove any left
	// behind so that the new one starts clean.
	if err := deleteConnectorSecretsAndTokens(ctx, tx, c.AccountID, c.ID); err != nil {
		return err
	}
	if err := insertSecrets(ctx, tx, req.secrets); err != nil {
		return err
	}
	if err := insertPermissions(ctx, tx, c.AccountID, c.ID, req.perms); err != nil {
		return err
	}
	return insertTags(ctx, tx, c.AccountID, c.ID, req.tags)
}
