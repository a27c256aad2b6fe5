package runtime

import (
	"context"

	"github.com/actiongate/actiongate"
)

// Verifies reports whether c's configuration has a cheap check: fetching a
// token with its client credentials, or assuming its role.
func (r *Runtime) Verifies(c *actiongate.Connector) bool {
	switch {
	case c.Auth.ClientCredentials != nil:
		return c.Auth.ClientCredentials.Client != nil
	case c.Auth.IAM != nil:
		return true
	}
	return false
}

// Verify checks c against its service. A token fetched on the way is kept
// for the connector's first actions.
func (r *Runtime) Verify(ctx context.Context, c *actiongate.Connector) error {
	switch {
	case c.Auth.ClientCredentials != nil && c.Auth.ClientCredentials.Client != nil:
		t, err := r.clientCredentials(ctx, c)
		if err != nil {
			return r.tokenError(ctx, c, err)
		}
		ref := actiongate.TokenRef(c.AccountID, c.ID, "")
		_, prev, err := r.loadToken(ctx, ref)
		if err != nil {
			return err
		}
		return r.saveToken(ctx, ref, prev, t)
	case c.Auth.IAM != nil:
		_, err := r.roleCredentials(ctx, c)
		return err
	}
	return nil
}
