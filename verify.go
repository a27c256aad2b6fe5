package actiongate

import (
	"context"
	"time"
)

// verifyLease is how long a Service may take to verify one connector before
// another may take over the work.
const verifyLease = 20 * time.Second

// wakeVerifier tells RunVerifier that c awaits verification.
func (s *Service) wakeVerifier(c *Connector) {
	if c.Status != StatusCreationInProgress && c.Status != StatusUpdateInProgress {
		return
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// RunVerifier verifies connectors awaiting verification until ctx ends: at
// once, whenever this Service creates or updates one, and every interval
// (work of other replicas, or left over by a process that stopped). It
// returns ctx's error.
func (s *Service) RunVerifier(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.VerifyPending(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "verifying connectors", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.wake:
		case <-t.C:
		}
	}
}

// VerifyPending verifies, once, every connector of every account whose
// status is CREATION_IN_PROGRESS or UPDATE_IN_PROGRESS and that no other
// process is verifying, and moves each to *_SUCCESSFUL or to *_FAILED with
// its Error. It returns how many it verified.
func (s *Service) VerifyPending(ctx context.Context) (int, error) {
	if s.runtime == nil {
		return 0, nil
	}
	n := 0
	var afterAccount, afterID string
	for {
		cs, err := s.store.ConnectorPending(ctx, afterAccount, afterID, MaxPageSize)
		if err != nil {
			return n, err
		}
		for _, c := range cs {
			done, err := s.verifyOne(ctx, c)
			if err != nil {
				return n, err
			}
			if done {
				n++
			}
		}
		if len(cs) < MaxPageSize {
			return n, nil
		}
		afterAccount, afterID = cs[len(cs)-1].AccountID, cs[len(cs)-1].ID
	}
}

// verifyOne verifies c under a lease, so that of several replicas one does
// it, and records the outcome unless c changed meanwhile (then the next pass
// verifies the new version).
func (s *Service) verifyOne(ctx context.Context, c *Connector) (bool, error) {
	lease := "verify/" + c.AccountID + "/" + c.ID
	now := s.now()
	ok, err := s.store.LeaseAcquire(ctx, lease, s.holder, now, now.Add(verifyLease))
	if err != nil || !ok {
		return false, err
	}
	defer func() {
		if err := s.store.LeaseRelease(context.WithoutCancel(ctx), lease, s.holder); err != nil {
			s.log.ErrorContext(ctx, "releasing a lease", "lease", lease, "err", err)
		}
	}()
	// Re-read after taking the lease: another replica may have finished.
	c, err = s.store.ConnectorGet(ctx, c.AccountID, c.ID)
	if KindOf(err) == KindNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if c.Status != StatusCreationInProgress && c.Status != StatusUpdateInProgress {
		return false, nil
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	status, cerr := s.check(ctx, c)
	err = s.store.ConnectorSetStatus(ctx, c.AccountID, c.ID, c.Version, status, cerr)
	switch KindOf(err) {
	case KindConflict, KindNotFound:
		return false, nil
	}
	if err != nil {
		return false, err
	}
	attrs := []any{"account_id", c.AccountID, "connector_id", c.ID, "status", status}
	if cerr != nil {
		attrs = append(attrs, "error", cerr.Message)
	}
	s.log.InfoContext(ctx, "connector verified", attrs...)
	return true, nil
}

// check verifies c and returns the status it moves to.
func (s *Service) check(ctx context.Context, c *Connector) (Status, *ConnectorError) {
	ok, failed := StatusCreationSuccessful, StatusCreationFailed
	if c.Status == StatusUpdateInProgress {
		ok, failed = StatusUpdateSuccessful, StatusUpdateFailed
	}
	ctx, cancel := context.WithTimeout(ctx, verifyLease/2)
	defer cancel()
	err := s.openSecrets(ctx, c)
	if err == nil {
		err = s.runtime.Verify(ctx, c)
	}
	if err != nil {
		return failed, &ConnectorError{Type: "INTERNAL_FAILURE", Message: MessageOf(err)}
	}
	return ok, nil
}
