package runtime

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
)

// Verifies reports whether c's configuration has a cheap check: fetching a
// token with its client credentials, assuming its role, or the verification
// request its type's catalog entry names (not for 3LO connectors, which have
// no token before a user signs in).
func (r *Runtime) Verifies(c *actiongate.Connector) bool {
	switch {
	case c.Auth.ClientCredentials != nil && c.Auth.ClientCredentials.Client != nil:
		return true
	case c.Auth.IAM != nil:
		return true
	case c.Auth.AuthorizationCode != nil:
		return false
	}
	return verification(c) != nil
}

// verification returns the verification request of c's type, or nil.
func verification(c *actiongate.Connector) *catalog.Verification {
	if e, ok := catalog.Lookup(c.Type); ok {
		return e.Verify
	}
	return nil
}

// Verify checks c against its service. A client-credentials token fetched on
// the way is kept for the connector's first actions, and is then used for
// the type's verification request, if it has one.
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
		if err := r.saveToken(ctx, ref, prev, t); err != nil {
			return err
		}
	case c.Auth.IAM != nil:
		_, err := r.roleCredentials(ctx, c)
		return err
	}
	if v := verification(c); v != nil {
		return r.verifyRequest(ctx, c, v)
	}
	return nil
}

// verifyRequest sends the verification request v with c's credentials and
// expects a 2xx answer that its type does not call a failure. v's path may
// carry a query.
func (r *Runtime) verifyRequest(ctx context.Context, c *actiongate.Connector, v *catalog.Verification) error {
	path, query, _ := strings.Cut(v.Path, "?")
	req, err := templateRequest(ctx, c.Auth.BaseEndpoint(), catalog.Request{Method: v.Method, Path: path}, map[string]any{})
	if err != nil {
		return err
	}
	req.URL.RawQuery = query
	a, err := r.send(ctx, actiongate.Call{Connector: c}, req, true)
	if err != nil {
		return err
	}
	if a.status/100 != 2 {
		return actiongate.Errorf(actiongate.KindUpstream, "%s", fmt.Sprintf("The verification request %s %s answered %d %s.",
			v.Method, v.Path, a.status, http.StatusText(a.status)))
	}
	if reason, failed := notOK(c.Type, shape(a.header.Get("Content-Type"), a.body)); failed {
		return actiongate.Errorf(actiongate.KindUpstream, "%s", fmt.Sprintf("The verification request %s %s was refused: %s.", v.Method, v.Path, reason))
	}
	return nil
}
