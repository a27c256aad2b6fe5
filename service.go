package actiongate

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"maps"
	mathrand "math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Config configures a Service. Store and Sealer are required; every other field
// has a working zero value.
type Config struct {
	Store  Store
	Sealer Sealer
	// Region is the region of the ARNs the service issues and accepts;
	// default "us-east-1".
	Region string
	// PageTokenKey signs pagination tokens. Replicas that share a database must
	// share it. Default: a random key, good for one process.
	PageTokenKey []byte
	// Logger receives operational events; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Rand is the source of randomness for keys; default crypto/rand.Reader.
	Rand io.Reader
	// Policies evaluates the identity policies of identities that are not
	// administrators; nil denies them everything.
	Policies PolicyEngine
	// Runtime performs actions and verifies connectors. Required for the
	// action operations, sign-in and verification.
	Runtime Runtime
	// SkipVerification makes Create and Update answer *_SUCCESSFUL without
	// checking the connector against its service (offline use).
	SkipVerification bool
}

// Service carries out the action-connector use cases: it authorizes the caller,
// validates the input, applies the rules, and persists through the Store. Every
// adapter (the QuickSight wire API, the CLI) goes through it.
type Service struct {
	store    Store
	sealer   Sealer
	policies PolicyEngine
	runtime  Runtime
	verify   bool
	// holder names this Service in the leases it takes.
	holder string
	// wake tells the verifier that a connector awaits verification.
	wake   chan struct{}
	region string
	pages  pageTokens
	log    *slog.Logger
	now    func() time.Time
	rand   io.Reader
}

// NewService returns a Service for cfg.
func NewService(cfg Config) *Service {
	s := &Service{
		store:    cfg.Store,
		sealer:   cfg.Sealer,
		policies: cfg.Policies,
		runtime:  cfg.Runtime,
		verify:   cfg.Runtime != nil && !cfg.SkipVerification,
		wake:     make(chan struct{}, 1),
		region:   cmp.Or(cfg.Region, "us-east-1"),
		log:      cfg.Logger,
		now:      cfg.Now,
		rand:     cfg.Rand,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	s.holder = rand.Text()
	s.pages.key = cfg.PageTokenKey
	if len(s.pages.key) == 0 {
		s.pages.key = make([]byte, 32)
		if _, err := io.ReadFull(s.rand, s.pages.key); err != nil {
			panic("actiongate: no randomness for the page token key: " + err.Error())
		}
	}
	return s
}

// Region reports the region the service runs in.
func (s *Service) Region() string { return s.region }

// clock returns the current time at the millisecond precision the Store keeps.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// CreateConnectorInput is the input of CreateActionConnector. Optional members
// are nil when absent.
type CreateConnectorInput struct {
	AccountID        string
	ConnectorID      string
	Name             string
	Type             ConnectorType
	Description      *string
	VPCConnectionARN *string
	Auth             AuthConfig
	// EnabledActions is nil when absent: every action of the type is enabled.
	EnabledActions []string
	Permissions    []Permission // nil when absent
	Tags           []Tag        // nil when absent
}

// UpdateConnectorInput is the input of UpdateActionConnector. It replaces the
// connector's name, description, VPC connection, authentication configuration
// and enabled actions; the type never changes.
type UpdateConnectorInput struct {
	AccountID        string
	ConnectorID      string
	Name             string
	Description      *string
	VPCConnectionARN *string
	Auth             AuthConfig
	EnabledActions   []string
}

// CreateActionConnector creates a connector. Errors: KindInvalid for input that
// breaks a rule, KindNotFound when a permission names a user or group that does
// not exist, KindExists when the id is taken, KindDenied.
func (s *Service) CreateActionConnector(ctx context.Context, caller *Identity, in CreateConnectorInput) (*Connector, error) {
	if err := ValidateAccountID(in.AccountID); err != nil {
		return nil, err
	}
	arn := ConnectorARN(s.region, in.AccountID, in.ConnectorID)
	if err := s.authorize(caller, "CreateActionConnector", in.AccountID, arn); err != nil {
		return nil, err
	}
	if err := firstError(
		validateNewConnectorID(in.ConnectorID),
		validateName(in.Name),
		validateConnectorType(in.Type),
		validateDescription(in.Description),
		validateVPCConnectionARN(in.VPCConnectionARN),
		validateAuth(in.Auth),
		validateEnabledActions(in.EnabledActions),
	); err != nil {
		return nil, err
	}
	var perms []Permission
	if in.Permissions != nil {
		if err := validatePermissions("Permissions", in.Permissions, s.region, in.AccountID); err != nil {
			return nil, err
		}
		perms = mergePermissions(nil, in.Permissions, nil)
	}
	if in.Tags != nil {
		if err := validateTags(in.Tags); err != nil {
			return nil, err
		}
	}
	// CreateActionConnector's model has no ResourceNotFoundException.
	if err := s.principalsExist(ctx, perms, KindInvalid); err != nil {
		return nil, err
	}
	now := s.clock()
	c := &Connector{
		AccountID:        in.AccountID,
		ID:               in.ConnectorID,
		ARN:              arn,
		Type:             in.Type,
		Name:             in.Name,
		Description:      deref(in.Description),
		VPCConnectionARN: deref(in.VPCConnectionARN),
		Auth:             in.Auth,
		EnabledActions:   in.EnabledActions,
		Status:           StatusCreationSuccessful,
		CreatedTime:      now,
		LastUpdatedTime:  now,
	}
	if err := s.checkAgainstType(c); err != nil {
		return nil, err
	}
	if s.verify && s.runtime.Verifies(c) {
		c.Status = StatusCreationInProgress
	}
	sealed, err := s.seal(c)
	if err != nil {
		return nil, err
	}
	tags := slices.SortedFunc(slices.Values(in.Tags), func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	if err := s.store.ConnectorCreate(ctx, c, sealed, perms, tags); err != nil {
		return nil, s.storeError(err, c.ID)
	}
	c.Version = 1
	s.wakeVerifier(c)
	s.log.InfoContext(ctx, "connector created", "account_id", c.AccountID, "connector_id", c.ID, "op", "CreateActionConnector")
	return c, nil
}

// DescribeActionConnector returns a connector, without its secrets.
func (s *Service) DescribeActionConnector(ctx context.Context, caller *Identity, account, id string) (*Connector, error) {
	if err := s.checkConnectorRef(caller, "DescribeActionConnector", account, id); err != nil {
		return nil, err
	}
	c, err := s.store.ConnectorGet(ctx, account, id)
	if err != nil {
		return nil, s.storeError(err, id)
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	return c, nil
}

// UpdateActionConnector replaces a connector's settings. Errors: KindInvalid,
// KindNotFound, KindConflict when another write to the connector won, KindDenied.
func (s *Service) UpdateActionConnector(ctx context.Context, caller *Identity, in UpdateConnectorInput) (*Connector, error) {
	if err := s.checkConnectorRef(caller, "UpdateActionConnector", in.AccountID, in.ConnectorID); err != nil {
		return nil, err
	}
	if err := firstError(
		validateName(in.Name),
		validateDescription(in.Description),
		validateVPCConnectionARN(in.VPCConnectionARN),
		validateAuth(in.Auth),
		validateEnabledActions(in.EnabledActions),
	); err != nil {
		return nil, err
	}
	c, err := s.store.ConnectorGet(ctx, in.AccountID, in.ConnectorID)
	if err != nil {
		return nil, s.storeError(err, in.ConnectorID)
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	before := c.Auth
	c.Name = in.Name
	c.Description = deref(in.Description)
	c.VPCConnectionARN = deref(in.VPCConnectionARN)
	c.Auth = in.Auth
	c.EnabledActions = in.EnabledActions
	if err := s.checkAgainstType(c); err != nil {
		return nil, err
	}
	c.Status = StatusUpdateSuccessful
	if s.verify && s.runtime.Verifies(c) {
		c.Status = StatusUpdateInProgress
	}
	c.Error = nil
	c.LastUpdatedTime = s.clock()
	sealed, err := s.seal(c)
	if err != nil {
		return nil, err
	}
	if err := s.store.ConnectorUpdate(ctx, c, sealed); err != nil {
		return nil, s.storeError(err, c.ID)
	}
	c.Version++
	if !sameOAuthClient(before, c.Auth) {
		// Cached tokens were issued to another client or for another service.
		if err := s.store.SecretDelete(ctx, c.AccountID, SecretToken, c.ID); err != nil {
			s.log.ErrorContext(ctx, "forgetting tokens", "account_id", c.AccountID, "connector_id", c.ID, "err", err)
		}
	}
	s.wakeVerifier(c)
	s.log.InfoContext(ctx, "connector updated", "account_id", c.AccountID, "connector_id", c.ID, "op", "UpdateActionConnector")
	return c, nil
}

// DeleteActionConnector deletes a connector with its secrets, permissions and
// tags, for good. It returns the connector as it was.
func (s *Service) DeleteActionConnector(ctx context.Context, caller *Identity, account, id string) (*Connector, error) {
	if err := s.checkConnectorRef(caller, "DeleteActionConnector", account, id); err != nil {
		return nil, err
	}
	c, err := s.store.ConnectorGet(ctx, account, id)
	if err != nil {
		return nil, s.storeError(err, id)
	}
	if err := s.store.ConnectorDelete(ctx, account, id); err != nil {
		return nil, s.storeError(err, id)
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	s.log.InfoContext(ctx, "connector deleted", "account_id", account, "connector_id", id, "op", "DeleteActionConnector")
	return c, nil
}

// ConnectorPage is one page of a connector list.
type ConnectorPage struct {
	Connectors []*Connector
	NextToken  string // "" on the last page
}

// ListInput selects a page of ListActionConnectors.
type ListInput struct {
	AccountID  string
	MaxResults *int   // 1 to 100; nil for the default, 100
	NextToken  string // "" for the first page
}

// ListActionConnectors returns a page of the account's connectors, ordered by id.
func (s *Service) ListActionConnectors(ctx context.Context, caller *Identity, in ListInput) (*ConnectorPage, error) {
	if err := ValidateAccountID(in.AccountID); err != nil {
		return nil, err
	}
	if err := s.authorize(caller, "ListActionConnectors", in.AccountID, ConnectorARN(s.region, in.AccountID, "*")); err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxResults, 1)
	if err != nil {
		return nil, err
	}
	return s.page(ctx, in.AccountID, "list", limit, in.NextToken, ConnectorFilter{})
}

// SearchFilter is one filter of SearchActionConnectors.
type SearchFilter struct {
	Name     string // one of the ActionConnectorSearchFilterNameEnum values
	Operator string // StringEquals or StringLike
	Value    string
}

// SearchInput selects a page of SearchActionConnectors.
type SearchInput struct {
	AccountID  string
	Filters    []SearchFilter
	MaxResults *int // 0 to 100; nil or 0 for the default, 100
	NextToken  string
}

// SearchActionConnectors returns a page of the account's connectors that match
// the one filter of in, ordered by id. Name filters match with StringEquals
// exactly, and with StringLike case-insensitively, '*' standing for any run of
// characters and a value without '*' matching anywhere in the name. Owner
// filters match principals that hold UpdateActionConnector,
// DeleteActionConnector or UpdateActionConnectorPermissions; viewer filters
// also those that hold DescribeActionConnector. QUICKSIGHT_OWNER and
// QUICKSIGHT_VIEWER_OR_OWNER count, for a user, the grants to the groups it is
// a member of as well; the DIRECT_* filters count explicit grants only, and
// DIRECT_QUICKSIGHT_SOLE_OWNER holds when no other principal is an owner.
func (s *Service) SearchActionConnectors(ctx context.Context, caller *Identity, in SearchInput) (*ConnectorPage, error) {
	if err := ValidateAccountID(in.AccountID); err != nil {
		return nil, err
	}
	if err := s.authorize(caller, "SearchActionConnectors", in.AccountID, ConnectorARN(s.region, in.AccountID, "*")); err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxResults, 0)
	if err != nil {
		return nil, err
	}
	if len(in.Filters) != 1 {
		return nil, invalid("Filters", "must have exactly one item.")
	}
	f, err := s.searchFilter(ctx, in.AccountID, in.Filters[0])
	if err != nil {
		return nil, err
	}
	f0 := in.Filters[0]
	return s.page(ctx, in.AccountID, "search\x00"+f0.Name+"\x00"+f0.Operator+"\x00"+f0.Value, limit, in.NextToken, f)
}

func (s *Service) searchFilter(ctx context.Context, account string, f SearchFilter) (ConnectorFilter, error) {
	const path = "Filters.Operator"
	if f.Operator != "StringEquals" && f.Operator != "StringLike" {
		return ConnectorFilter{}, invalid(path, "must be StringEquals or StringLike.")
	}
	equalsOnly := func() error {
		if f.Operator != "StringEquals" {
			return invalid(path, "must be StringEquals for the %s filter.", f.Name)
		}
		return nil
	}
	// principal filters on grants to f.Value, and with inherited also on
	// grants to the groups f.Value is a member of.
	principal := func(actions []string, sole, inherited bool) (ConnectorFilter, error) {
		if err := equalsOnly(); err != nil {
			return ConnectorFilter{}, err
		}
		if err := validatePrincipal("Filters.Value", f.Value, s.region, account); err != nil {
			return ConnectorFilter{}, err
		}
		principals := []string{f.Value}
		if inherited {
			var err error
			if principals, err = s.inheritedPrincipals(ctx, f.Value); err != nil {
				return ConnectorFilter{}, err
			}
		}
		return ConnectorFilter{Principal: &PrincipalFilter{Principals: principals, Actions: actions, Sole: sole}}, nil
	}
	viewerOrOwner := slices.Concat(OwnerActions, ViewerActions)
	switch f.Name {
	case "ACTION_CONNECTOR_NAME":
		if f.Value == "" {
			return ConnectorFilter{}, invalid("Filters.Value", "must not be empty.")
		}
		if f.Operator == "StringEquals" {
			return ConnectorFilter{Name: f.Value}, nil
		}
		if !strings.Contains(f.Value, "*") {
			return ConnectorFilter{NameLike: "*" + f.Value + "*"}, nil
		}
		return ConnectorFilter{NameLike: f.Value}, nil
	case "ACTION_CONNECTOR_TYPE":
		if err := equalsOnly(); err != nil {
			return ConnectorFilter{}, err
		}
		if !slices.Contains(ConnectorTypes, ConnectorType(f.Value)) {
			return ConnectorFilter{}, invalid("Filters.Value", "must be one of the ActionConnectorType values.")
		}
		return ConnectorFilter{Type: ConnectorType(f.Value)}, nil
	case "QUICKSIGHT_OWNER":
		return principal(OwnerActions, false, true)
	case "DIRECT_QUICKSIGHT_OWNER":
		return principal(OwnerActions, false, false)
	case "QUICKSIGHT_VIEWER_OR_OWNER":
		return principal(viewerOrOwner, false, true)
	case "DIRECT_QUICKSIGHT_VIEWER_OR_OWNER":
		return principal(viewerOrOwner, false, false)
	case "DIRECT_QUICKSIGHT_SOLE_OWNER":
		return principal(OwnerActions, true, false)
	}
	return ConnectorFilter{}, invalid("Filters.Name", "must be one of the ActionConnectorSearchFilterNameEnum values.")
}

// pageSize checks a MaxResults value against the lower bound lo (the upper is
// 100) and returns the page size, 100 when absent or zero.
func pageSize(v *int, lo int) (int, error) {
	if v == nil {
		return MaxPageSize, nil
	}
	if *v < lo || *v > MaxPageSize {
		return 0, invalid("MaxResults", "must be between %d and %d.", lo, MaxPageSize)
	}
	if *v == 0 {
		return MaxPageSize, nil
	}
	return *v, nil
}

func (s *Service) page(ctx context.Context, account, query string, limit int, token string, f ConnectorFilter) (*ConnectorPage, error) {
	scope := account + "\x00" + query
	var after string
	if token != "" {
		var err error
		if after, err = s.pages.open(scope, token); err != nil {
			return nil, err
		}
	}
	cs, err := s.store.ConnectorList(ctx, ConnectorListParams{AccountID: account, After: after, Limit: limit + 1, Filter: f})
	if err != nil {
		return nil, Internal(err)
	}
	p := &ConnectorPage{Connectors: cs}
	if len(cs) > limit {
		p.Connectors = cs[:limit]
		p.NextToken = s.pages.issue(scope, cs[limit-1].ID)
	}
	for _, c := range p.Connectors {
		c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	}
	return p, nil
}

// DescribeActionConnectorPermissions returns the connector's permissions,
// ordered by principal.
func (s *Service) DescribeActionConnectorPermissions(ctx context.Context, caller *Identity, account, id string) (*Connector, []Permission, error) {
	if err := s.checkConnectorRef(caller, "DescribeActionConnectorPermissions", account, id); err != nil {
		return nil, nil, err
	}
	c, err := s.store.ConnectorGet(ctx, account, id)
	if err != nil {
		return nil, nil, s.storeError(err, id)
	}
	perms, err := s.store.PermissionList(ctx, account, id)
	if err != nil {
		return nil, nil, s.storeError(err, id)
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	return c, perms, nil
}

// UpdateActionConnectorPermissions grants and revokes actions, merging them per
// principal: granted actions are added to what the principal holds, revoked
// ones removed, and a principal left with none disappears. The result holds at
// most 64 principals (KindLimitExceeded). Granted principals must be existing
// users or groups (KindNotFound); revoking from an unknown one is a no-op. It
// returns the resulting permissions.
func (s *Service) UpdateActionConnectorPermissions(ctx context.Context, caller *Identity, account, id string, grant, revoke []Permission) (*Connector, []Permission, error) {
	if err := s.checkConnectorRef(caller, "UpdateActionConnectorPermissions", account, id); err != nil {
		return nil, nil, err
	}
	if grant != nil {
		if err := validatePermissions("GrantPermissions", grant, s.region, account); err != nil {
			return nil, nil, err
		}
	}
	if revoke != nil {
		if err := validatePermissions("RevokePermissions", revoke, s.region, account); err != nil {
			return nil, nil, err
		}
	}
	// Revoking from a principal that does not exist is a no-op; granting to one is refused.
	if err := s.principalsExist(ctx, grant, KindNotFound); err != nil {
		return nil, nil, err
	}
	var (
		c    *Connector
		next []Permission
	)
	err := s.retryConflicts(ctx, func() error {
		var err error
		if c, err = s.store.ConnectorGet(ctx, account, id); err != nil {
			return err
		}
		current, err := s.store.PermissionList(ctx, account, id)
		if err != nil {
			return err
		}
		next = mergePermissions(current, grant, revoke)
		if len(next) > MaxPermissions {
			return Errorf(KindLimitExceeded,
				"An action connector can have at most %d principals in its permissions; this change would leave %d.", MaxPermissions, len(next))
		}
		return s.store.PermissionReplace(ctx, account, id, c.Version, next)
	})
	if err != nil {
		return nil, nil, s.storeError(err, id)
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	return c, next, nil
}

// mergePermissions applies grant and then revoke to current, per principal, and
// returns the result ordered by principal with sorted, unique actions.
func mergePermissions(current, grant, revoke []Permission) []Permission {
	held := make(map[string]map[string]bool)
	add := func(p Permission) {
		if held[p.Principal] == nil {
			held[p.Principal] = make(map[string]bool)
		}
		for _, a := range p.Actions {
			held[p.Principal][a] = true
		}
	}
	for _, p := range current {
		add(p)
	}
	for _, p := range grant {
		add(p)
	}
	for _, p := range revoke {
		for _, a := range p.Actions {
			delete(held[p.Principal], a)
		}
	}
	var out []Permission
	for principal, actions := range held {
		if len(actions) == 0 {
			continue
		}
		out = append(out, Permission{Principal: principal, Actions: slices.Sorted(maps.Keys(actions))})
	}
	slices.SortFunc(out, func(a, b Permission) int { return strings.Compare(a.Principal, b.Principal) })
	return out
}

// TagResource adds tags to the connector named by arn, replacing the values of
// keys it has already. A connector has at most 200 tags (KindLimitExceeded).
func (s *Service) TagResource(ctx context.Context, caller *Identity, arn string, tags []Tag) error {
	account, id, err := s.parseConnectorARN(caller, "TagResource", arn)
	if err != nil {
		return err
	}
	if err := validateTags(tags); err != nil {
		return err
	}
	return s.retagConnector(ctx, account, id, func(m map[string]string) error {
		for _, t := range tags {
			m[t.Key] = t.Value
		}
		if len(m) > MaxTags {
			return Errorf(KindLimitExceeded, "A resource can have at most %d tags; this change would leave %d.", MaxTags, len(m))
		}
		return nil
	})
}

// UntagResource removes the tags with the given keys from the connector named by
// arn. Keys it does not have are ignored.
func (s *Service) UntagResource(ctx context.Context, caller *Identity, arn string, keys []string) error {
	account, id, err := s.parseConnectorARN(caller, "UntagResource", arn)
	if err != nil {
		return err
	}
	if err := validateTagKeys(keys); err != nil {
		return err
	}
	return s.retagConnector(ctx, account, id, func(m map[string]string) error {
		for _, k := range keys {
			delete(m, k)
		}
		return nil
	})
}

// ListTagsForResource returns the tags of the connector named by arn, ordered by key.
func (s *Service) ListTagsForResource(ctx context.Context, caller *Identity, arn string) ([]Tag, error) {
	account, id, err := s.parseConnectorARN(caller, "ListTagsForResource", arn)
	if err != nil {
		return nil, err
	}
	tags, err := s.store.TagList(ctx, account, id)
	if err != nil {
		return nil, s.storeError(err, id)
	}
	return tags, nil
}

func (s *Service) retagConnector(ctx context.Context, account, id string, change func(map[string]string) error) error {
	err := s.retryConflicts(ctx, func() error {
		c, err := s.store.ConnectorGet(ctx, account, id)
		if err != nil {
			return err
		}
		tags, err := s.store.TagList(ctx, account, id)
		if err != nil {
			return err
		}
		m := make(map[string]string, len(tags))
		for _, t := range tags {
			m[t.Key] = t.Value
		}
		if err := change(m); err != nil {
			return err
		}
		next := make([]Tag, 0, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			next = append(next, Tag{Key: k, Value: m[k]})
		}
		return s.store.TagReplace(ctx, account, id, c.Version, next)
	})
	return s.storeError(err, id)
}

// maxConflictRetries bounds how often a merging write (tags, permissions) is
// re-applied after losing a race to another write of the same connector.
const maxConflictRetries = 50

// retryConflicts runs write, a read-merge-write of one connector, again while
// it loses races (KindConflict) to concurrent writes. Merges commute, so a
// retried merge loses nothing; after maxConflictRetries the conflict is returned.
func (s *Service) retryConflicts(ctx context.Context, write func() error) error {
	for attempt := 1; ; attempt++ {
		err := write()
		if KindOf(err) != KindConflict || attempt == maxConflictRetries {
			return err
		}
		pause := time.Duration(1+mathrand.IntN(attempt*200)) * time.Microsecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

// parseConnectorARN checks that arn names an action connector of the caller's
// account in this region, authorizes op on it, and returns its account and id.
func (s *Service) parseConnectorARN(caller *Identity, op, arn string) (account, id string, err error) {
	const path = "ResourceArn"
	prefix := "arn:aws:quicksight:" + s.region + ":"
	rest, ok := strings.CutPrefix(arn, prefix)
	if !ok {
		return "", "", invalid(path, "must be an action-connector ARN in region %s (arn:aws:quicksight:%s:<account>:action-connector/<id>).", s.region, s.region)
	}
	account, id, ok = strings.Cut(rest, ":action-connector/")
	if !ok {
		return "", "", invalid(path, "must be an action-connector ARN (arn:aws:quicksight:%s:<account>:action-connector/<id>).", s.region)
	}
	if err := ValidateAccountID(account); err != nil {
		return "", "", invalid(path, "has an account id that is not 12 digits.")
	}
	if err := s.authorize(caller, op, account, arn); err != nil {
		return "", "", err
	}
	if err := ValidateConnectorID(id); err != nil {
		return "", "", invalid(path, "has an action connector id that is not valid.")
	}
	return account, id, nil
}

// checkConnectorRef validates the account and connector id of a request and
// authorizes op on the connector.
func (s *Service) checkConnectorRef(caller *Identity, op, account, id string) error {
	if err := ValidateAccountID(account); err != nil {
		return err
	}
	if err := s.authorize(caller, op, account, ConnectorARN(s.region, account, id)); err != nil {
		return err
	}
	return ValidateConnectorID(id)
}

// authorize decides whether caller may perform quicksight:<op> on resource in
// account. An identity never acts outside its own account; administrators may do
// everything within it; any other identity needs its policy to allow the action
// on the resource, and an explicit Deny in it wins.
func (s *Service) authorize(caller *Identity, op, account, resource string) error {
	action := "quicksight:" + op
	who := "anonymous"
	if caller != nil {
		who = caller.ARN
	}
	denied := func(why string) error {
		return Errorf(KindDenied, "User: %s is not authorized to perform: %s on resource: %s %s", who, action, resource, why)
	}
	switch {
	case caller == nil:
		return denied("because the request is not signed")
	case caller.AccountID != account:
		return denied("because the resource is in another account")
	case caller.Admin:
		return nil
	case s.policies == nil || len(caller.Policy) == 0:
		return denied("because no identity-based policy allows the " + action + " action")
	}
	allowed, explicitDeny := s.policies.Evaluate(caller.Policy, action, resource)
	switch {
	case explicitDeny:
		return denied("with an explicit deny in an identity-based policy")
	case !allowed:
		return denied("because no identity-based policy allows the " + action + " action")
	}
	return nil
}

// storeError turns a Store error into the error a caller sees. Errors the
// Service made itself pass through.
func (s *Service) storeError(err error, id string) error {
	var e *Error
	if err == nil || errors.As(err, &e) && e.Kind != KindNotFound && e.Kind != KindExists && e.Kind != KindConflict {
		return err
	}
	switch KindOf(err) {
	case KindNotFound:
		return Errorf(KindNotFound, "Action connector %s does not exist.", id)
	case KindExists:
		return Errorf(KindExists, "Action connector %s already exists.", id)
	case KindConflict:
		return Errorf(KindConflict, "Action connector %s was changed by another request at the same time; retry.", id)
	}
	return Internal(err)
}

// secretFields returns the secret members of a, with the field names that bind
// their ciphertexts.
func secretFields(a *AuthConfig) map[string]*Secret {
	m := make(map[string]*Secret)
	switch {
	case a.APIKey != nil:
		m["ApiKey"] = &a.APIKey.APIKey
	case a.Basic != nil:
		m["Password"] = &a.Basic.Password
	case a.ClientCredentials != nil && a.ClientCredentials.Client != nil:
		m["ClientSecret"] = &a.ClientCredentials.Client.ClientSecret
	case a.AuthorizationCode != nil && a.AuthorizationCode.Client != nil:
		m["ClientSecret"] = &a.AuthorizationCode.Client.ClientSecret
	}
	return m
}

// seal encrypts the secrets of c, each bound to the connector and its field.
func (s *Service) seal(c *Connector) ([]SealedSecret, error) {
	fields := secretFields(&c.Auth)
	var out []SealedSecret
	for _, field := range slices.Sorted(maps.Keys(fields)) {
		secret := fields[field]
		ref := SecretRef{AccountID: c.AccountID, Kind: SecretConnector, OwnerID: c.ID, Field: field}
		ct, err := s.sealer.Seal(secret.Reveal(), ref.AAD())
		if err != nil {
			return nil, Internal(err)
		}
		out = append(out, SealedSecret{Ref: ref, Ciphertext: ct})
	}
	return out, nil
}

// checkAgainstType checks c's authentication type and enabled actions
// against what its connector type accepts and has. A GENERIC_HTTP
// connector's EnabledActions may name operations of an OpenAPI document not
// attached yet, and types without built-in actions are not checked.
func (s *Service) checkAgainstType(c *Connector) error {
	if s.runtime == nil {
		return nil
	}
	if accepted := s.runtime.AuthTypes(c.Type); accepted != nil && !slices.Contains(accepted, c.Auth.Type) {
		names := make([]string, len(accepted))
		for i, a := range accepted {
			names[i] = string(a)
		}
		return invalid(authPath+".AuthenticationType", "must be one of %s for a %s connector.", strings.Join(names, ", "), c.Type)
	}
	if c.Type == TypeGenericHTTP || c.EnabledActions == nil {
		return nil
	}
	actions, err := s.runtime.Actions(c, nil)
	if err != nil || len(actions) == 0 {
		return err
	}
	for _, id := range c.EnabledActions {
		if !hasAction(actions, id) {
			return invalid("EnabledActions", "names an action that %s connectors do not have; actiongate catalog lists theirs.", c.Type)
		}
	}
	return nil
}

// sameOAuthClient reports whether a and b obtain tokens from the same OAuth
// client for the same service, so that tokens issued under a hold under b.
func sameOAuthClient(a, b AuthConfig) bool {
	client := func(c AuthConfig) (OAuthClient, string) {
		var cl *OAuthClient
		var authz string
		switch {
		case c.ClientCredentials != nil:
			cl = c.ClientCredentials.Client
		case c.AuthorizationCode != nil:
			cl, authz = c.AuthorizationCode.Client, c.AuthorizationCode.AuthorizationEndpoint
		}
		if cl == nil {
			return OAuthClient{}, authz
		}
		return OAuthClient{ClientID: cl.ClientID, TokenEndpoint: cl.TokenEndpoint}, authz
	}
	ca, za := client(a)
	cb, zb := client(b)
	return a.Type == b.Type && a.BaseEndpoint() == b.BaseEndpoint() &&
		ca.ClientID == cb.ClientID && ca.TokenEndpoint == cb.TokenEndpoint && za == zb
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
