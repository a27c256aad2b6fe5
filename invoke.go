package actiongate

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
)

// ConnectorAction is an action of a connector and whether it may be invoked.
type ConnectorAction struct {
	Action
	Enabled bool
}

// ListActionConnectorActions returns the connector's actions, the enabled and
// the disabled ones, in a stable order. It needs quicksight:DescribeActionConnector.
func (s *Service) ListActionConnectorActions(ctx context.Context, caller *Identity, account, id string) (*Connector, []ConnectorAction, error) {
	if err := s.checkConnectorRef(caller, "DescribeActionConnector", account, id); err != nil {
		return nil, nil, err
	}
	c, err := s.store.ConnectorGet(ctx, account, id)
	if err != nil {
		return nil, nil, s.storeError(err, id)
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	spec, err := s.spec(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	actions, err := s.runtime.Actions(c, spec)
	if err != nil {
		return nil, nil, err
	}
	out := make([]ConnectorAction, len(actions))
	for i, a := range actions {
		out[i] = ConnectorAction{Action: a, Enabled: enabled(c, a.ID)}
	}
	return c, out, nil
}

// InvokeInput is the input of InvokeAction.
type InvokeInput struct {
	AccountID   string
	ConnectorID string
	ActionID    string
	// Input is the action's input, a JSON object; nil stands for {}.
	Input json.RawMessage
	// UserARN is the QuickSight user to act for; "" for the user bound to
	// the caller's access key.
	UserARN string
}

// InvokeAction performs one action of a connector for a QuickSight user and
// returns what the upstream answered.
//
// The caller needs quicksight:InvokeAction on the connector. The action is
// performed for the user bound to the caller's access key or, when the input
// names another user, for that user if the caller may also perform
// quicksight:InvokeAction on the user's ARN (administrators may). The user
// must hold a grant on the connector, directly or through a group, that makes
// it a viewer or an owner, and the action must be enabled.
//
// Errors: KindInvalid (no such action, the input does not match its schema,
// the connector failed verification), KindDenied, KindNotFound, KindConflict
// (the connector is being verified), KindAccessTokenNotFound,
// KindTokenResponse, KindUpstream.
func (s *Service) InvokeAction(ctx context.Context, caller *Identity, in InvokeInput) (*InvokeResult, error) {
	c, user, err := s.usableConnector(ctx, caller, in.AccountID, in.ConnectorID, in.UserARN)
	if err != nil {
		return nil, err
	}
	if err := validateActionID(in.ActionID); err != nil {
		return nil, err
	}
	call := Call{Connector: c, ActionID: in.ActionID, Input: in.Input, UserARN: user}
	// Built-in actions need no OpenAPI document; load it only when the
	// action is not one of them.
	actions, err := s.runtime.Actions(c, nil)
	if err != nil {
		return nil, err
	}
	if !hasAction(actions, in.ActionID) {
		if call.Spec, err = s.spec(ctx, c); err != nil {
			return nil, err
		}
		if actions, err = s.runtime.Actions(c, call.Spec); err != nil {
			return nil, err
		}
		if !hasAction(actions, in.ActionID) {
			return nil, Errorf(KindNotFound, "Action connector %s has no action %s; ListActionConnectorActions lists its actions.", c.ID, in.ActionID)
		}
	}
	if !enabled(c, in.ActionID) {
		return nil, Errorf(KindInvalid, "Action %s is not enabled on action connector %s; an owner can enable it with UpdateActionConnector.", in.ActionID, c.ID)
	}
	if err := s.openSecrets(ctx, c); err != nil {
		return nil, err
	}
	res, err := s.runtime.Invoke(ctx, call)
	if e, ok := errors.AsType[*Error](err); ok && e.Upstream != nil {
		e.Upstream.ActionID, e.Upstream.UserARN = in.ActionID, user
	}
	if err != nil {
		return nil, err
	}
	res.ActionID, res.UserARN = in.ActionID, user
	return res, nil
}

// usableConnector checks that caller may use connector id of account for the
// user it names (or is bound to), that the user holds a grant on the
// connector, and that the connector is ready; it returns the connector,
// without its secrets, and the user's ARN.
func (s *Service) usableConnector(ctx context.Context, caller *Identity, account, id, requested string) (*Connector, string, error) {
	if err := s.checkConnectorRef(caller, "InvokeAction", account, id); err != nil {
		return nil, "", err
	}
	user := requested
	if user == "" {
		user = caller.UserARN
	}
	if user == "" {
		return nil, "", invalid("UserArn", "must name the QuickSight user to act for: access key %s is bound to none.", caller.AccessKeyID)
	}
	if err := validatePrincipal("UserArn", user, s.region, account); err != nil {
		return nil, "", err
	}
	m := principalPattern.FindStringSubmatch(user)
	if m[3] != "user" {
		return nil, "", invalid("UserArn", "must be the ARN of a QuickSight user, not of a group.")
	}
	if user != caller.UserARN {
		if err := s.authorize(caller, "InvokeAction", account, user); err != nil {
			return nil, "", err
		}
	}
	if _, err := s.store.UserGet(ctx, account, m[4], m[5]); err != nil {
		if KindOf(err) == KindNotFound {
			return nil, "", &Error{Kind: KindNotFound, ResourceType: "USER", Message: "User " + user + " does not exist."}
		}
		return nil, "", Internal(err)
	}
	c, err := s.store.ConnectorGet(ctx, account, id)
	if err != nil {
		return nil, "", s.storeError(err, id)
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	if err := s.checkGrant(ctx, c, user); err != nil {
		return nil, "", err
	}
	switch c.Status {
	case StatusCreationInProgress, StatusUpdateInProgress:
		return nil, "", Errorf(KindConflict, "Action connector %s is being verified; retry in a moment.", c.ID)
	case StatusCreationFailed, StatusUpdateFailed:
		msg := "its verification failed"
		if c.Error != nil {
			msg += ": " + c.Error.Message
		}
		return nil, "", Errorf(KindInvalid, "Action connector %s cannot be used because %s. Correct it with UpdateActionConnector.", c.ID, msg)
	}
	return c, user, nil
}

// checkGrant checks that user, or a group it is a member of, is a viewer or
// an owner of c. The user's groups are read only when it holds no grant of
// its own.
func (s *Service) checkGrant(ctx context.Context, c *Connector, user string) error {
	perms, err := s.store.PermissionList(ctx, c.AccountID, c.ID)
	if err != nil {
		return s.storeError(err, c.ID)
	}
	grants := func(principals []string) bool {
		return slices.ContainsFunc(perms, func(p Permission) bool {
			return slices.Contains(principals, p.Principal) && slices.ContainsFunc(p.Actions, func(a string) bool {
				return slices.Contains(OwnerActions, a) || slices.Contains(ViewerActions, a)
			})
		})
	}
	if grants([]string{user}) {
		return nil
	}
	principals, err := s.inheritedPrincipals(ctx, user)
	if err != nil {
		return err
	}
	if grants(principals) {
		return nil
	}
	return Errorf(KindDenied, "User %s may not use action connector %s: it is shared with neither the user nor a group of the user. An owner can share it with UpdateActionConnectorPermissions.", user, c.ID)
}

// spec returns the OpenAPI document of c, nil when it has none or c is not a
// GENERIC_HTTP connector.
func (s *Service) spec(ctx context.Context, c *Connector) ([]byte, error) {
	if c.Type != TypeGenericHTTP {
		return nil, nil
	}
	doc, err := s.store.SpecGet(ctx, c.AccountID, c.ID)
	if err != nil {
		return nil, s.storeError(err, c.ID)
	}
	return doc, nil
}

// openSecrets fills in the secrets of c from the Store.
func (s *Service) openSecrets(ctx context.Context, c *Connector) error {
	for field, secret := range secretFields(&c.Auth) {
		ref := SecretRef{AccountID: c.AccountID, Kind: SecretConnector, OwnerID: c.ID, Field: field}
		ct, err := s.store.SecretGet(ctx, ref)
		if err != nil {
			return Internal(err)
		}
		pt, err := s.sealer.Open(ct, ref.AAD())
		if err != nil {
			return Internal(err)
		}
		*secret = NewSecret(pt)
	}
	return nil
}

func enabled(c *Connector, action string) bool {
	return c.EnabledActions == nil || slices.Contains(c.EnabledActions, action)
}

func hasAction(actions []Action, id string) bool {
	return slices.ContainsFunc(actions, func(a Action) bool { return a.ID == id })
}
