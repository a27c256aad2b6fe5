// Package runtime performs actions in the services connectors reach: it finds
// the action's definition, checks the input against its schema, builds the
// upstream request, authenticates it with the connector's credentials (one
// way per authentication type), sends it through the egress guard's client,
// and shapes the answer. It also runs the OAuth flows (client credentials,
// authorization code with PKCE, refresh with rotation) and IAM role
// assumption, and verifies connectors.
package runtime

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/sync/singleflight"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
	"github.com/actiongate/actiongate/openapi"
	"github.com/actiongate/actiongate/runtime/egress"
)

// Store is what the runtime keeps in the actiongate.Store: sealed OAuth
// tokens (kind actiongate.SecretToken) and the leases that let one process at
// a time refresh a token.
type Store interface {
	SecretGet(ctx context.Context, ref actiongate.SecretRef) ([]byte, error)
	SecretCreate(ctx context.Context, s actiongate.SealedSecret) error
	SecretReplace(ctx context.Context, ref actiongate.SecretRef, prev, next []byte) error
	LeaseAcquire(ctx context.Context, name, holder string, now, until time.Time) (bool, error)
	LeaseRelease(ctx context.Context, name, holder string) error
}

// Config configures a Runtime. Store, Sealer and Client are required.
type Config struct {
	Store  Store
	Sealer actiongate.Sealer
	// Client makes every outbound call: actions, token endpoints, role
	// assumption, OpenAPI downloads. It is the egress guard's client.
	Client *http.Client
	// AWS holds the server's own AWS credentials and region, used to assume
	// the roles of IAM connectors. Its HTTPClient is replaced by Client.
	AWS aws.Config
	// Logger receives operational events; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// RefreshAhead is how long before its expiry a cached token is renewed;
	// default 1 minute.
	RefreshAhead time.Duration
	// RefreshWait bounds how long a caller waits for a token another process
	// is fetching before it tries itself; default 15 seconds.
	RefreshWait time.Duration
	// MaxOutputBytes bounds the upstream body an invocation returns; default
	// 4 MiB. Larger bodies fail with KindUpstream.
	MaxOutputBytes int
}

// Runtime performs actions. It implements actiongate.Runtime and is safe for
// concurrent use.
type Runtime struct {
	store        Store
	sealer       actiongate.Sealer
	client       *http.Client
	aws          aws.Config
	log          *slog.Logger
	now          func() time.Time
	refreshAhead time.Duration
	refreshWait  time.Duration
	maxOutput    int
	// holder names this runtime in the leases it takes.
	holder string

	schemas schemas
	specs   specCache
	tokens  tokenCache
	roles   roleCache
	flight  singleflight.Group
}

var _ actiongate.Runtime = (*Runtime)(nil)

// New returns a Runtime for cfg.
func New(cfg Config) *Runtime {
	r := &Runtime{
		store:        cfg.Store,
		sealer:       cfg.Sealer,
		client:       cfg.Client,
		aws:          cfg.AWS.Copy(),
		log:          cmp.Or(cfg.Logger, slog.Default()),
		now:          cfg.Now,
		refreshAhead: cmp.Or(cfg.RefreshAhead, time.Minute),
		refreshWait:  cmp.Or(cfg.RefreshWait, 15*time.Second),
		maxOutput:    cmp.Or(cfg.MaxOutputBytes, 4<<20),
	}
	if r.now == nil {
		r.now = time.Now
	}
	r.aws.HTTPClient = r.client
	b := make([]byte, 12)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		panic("runtime: no randomness for the lease holder name: " + err.Error())
	}
	r.holder = hex.EncodeToString(b)
	return r
}

// Actions returns the actions of c: the built-in ones of its type, then those
// of spec, its OpenAPI document (GENERIC_HTTP only).
func (r *Runtime) Actions(c *actiongate.Connector, spec []byte) ([]actiongate.Action, error) {
	defs, err := r.definitions(c, spec)
	if err != nil {
		return nil, err
	}
	out := make([]actiongate.Action, len(defs))
	for i, d := range defs {
		out[i] = d.Action
	}
	return out, nil
}

// definitions returns the action definitions of c.
func (r *Runtime) definitions(c *actiongate.Connector, spec []byte) ([]catalog.Action, error) {
	var defs []catalog.Action
	if c.Type == actiongate.TypeGenericHTTP {
		defs = append(defs, httpRequestAction)
	}
	if t, ok := catalog.Lookup(c.Type); ok {
		defs = append(defs, t.Actions...)
	}
	if spec != nil {
		ops, err := r.specs.parse(spec)
		if err != nil {
			return nil, err
		}
		defs = append(defs, ops...)
	}
	return defs, nil
}

// ParseSpec checks an OpenAPI document and returns its actions.
func (r *Runtime) ParseSpec(doc []byte) ([]actiongate.Action, error) {
	defs, err := r.specs.parse(doc)
	if err != nil {
		return nil, err
	}
	out := make([]actiongate.Action, len(defs))
	for i, d := range defs {
		out[i] = d.Action
	}
	return out, nil
}

// maxSpecBytes is the largest OpenAPI document accepted, as Quick Suite's.
const maxSpecBytes = 1_000_000

// FetchSpec downloads an OpenAPI document from an https URL through the
// egress guard. Errors: KindInvalid for a bad URL, KindUpstream.
func (r *Runtime) FetchSpec(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := egress.CheckURL(rawURL)
	if err != nil {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "OpenApiUrl: %s", err.Error())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "OpenApiUrl is not a valid URL.")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		r.log.WarnContext(ctx, "fetching an OpenAPI document", "err", err)
		return nil, unreachable()
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, actiongate.Errorf(actiongate.KindUpstream, "Fetching the OpenAPI document answered %s.", resp.Status)
	}
	doc, err := io.ReadAll(io.LimitReader(resp.Body, maxSpecBytes+1))
	if err != nil {
		r.log.WarnContext(ctx, "reading an OpenAPI document", "err", err)
		return nil, unreachable()
	}
	if len(doc) > maxSpecBytes {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "The OpenAPI document is larger than %d bytes.", maxSpecBytes)
	}
	return doc, nil
}

// specCache keeps parsed OpenAPI documents by content, so that invocations
// do not parse a connector's document each time.
type specCache struct {
	mu     sync.Mutex
	parsed map[[sha256.Size]byte][]catalog.Action
}

// maxCachedSpecs bounds the parsed documents kept; past it the cache starts
// over.
const maxCachedSpecs = 256

func (c *specCache) parse(doc []byte) ([]catalog.Action, error) {
	key := sha256.Sum256(doc)
	c.mu.Lock()
	defs, ok := c.parsed[key]
	c.mu.Unlock()
	if ok {
		return defs, nil
	}
	defs, err := openapi.Parse(doc)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parsed == nil || len(c.parsed) >= maxCachedSpecs {
		c.parsed = make(map[[sha256.Size]byte][]catalog.Action)
	}
	c.parsed[key] = defs
	return defs, nil
}

// unreachable is the one error for every way of not getting an answer from
// an upstream: refused by the egress guard, refused by the host, timed out,
// TLS failure. Telling them apart would make the server a port scanner.
func unreachable() error {
	return actiongate.Errorf(actiongate.KindUpstream, "The upstream service could not be reached: the connection failed, timed out, or goes to an address the egress policy does not allow.")
}
