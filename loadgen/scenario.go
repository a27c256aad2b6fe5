package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Scenario names the operation mix a run sends.
type Scenario string

// The scenarios. Each names what one iteration sends; an iteration is what
// Config.Rate counts.
const (
	// Describe: DescribeActionConnector on the connectors Setup created,
	// in turn.
	Describe Scenario = "Describe"
	// Create: CreateActionConnector, then DeleteActionConnector of the same
	// connector (two requests per iteration, reported per operation; the
	// Delete is skipped when the Create failed).
	Create Scenario = "Create"
	// List: ListActionConnectors, one page of 100 from an account that holds
	// at least 120 connectors.
	List Scenario = "List"
	// Search: SearchActionConnectors by name (StringLike), matching the at
	// least 120 connectors Setup created, one page of 100.
	Search Scenario = "Search"
	// UpdatePermissions: UpdateActionConnectorPermissions granting one
	// registered user DescribeActionConnector and revoking it from another,
	// on the connectors Setup created in turn.
	UpdatePermissions Scenario = "UpdatePermissions"
	// Invoke: the HttpRequest action of a GENERIC_HTTP connector with an
	// API key, for a registered user granted the connector, calling a GET on
	// Config.Upstream that answers 1 KB of JSON. Direct measures the same
	// call made to the upstream without actiongate.
	Invoke Scenario = "Invoke"
)

// baseline is the scenario of Baseline: a GET answered by a bare server;
// direct that of Direct: the Invoke scenario's upstream call, made directly.
const (
	baseline Scenario = "Baseline"
	direct   Scenario = "Direct"
)

// Scenarios lists the scenarios Run accepts.
var Scenarios = []Scenario{Describe, Create, List, Search, UpdatePermissions, Invoke}

// ParseScenario returns the scenario named s, ignoring case.
func ParseScenario(s string) (Scenario, error) {
	for _, sc := range Scenarios {
		if strings.EqualFold(s, string(sc)) {
			return sc, nil
		}
	}
	return "", fmt.Errorf("loadgen: unknown scenario %q (want one of %v)", s, Scenarios)
}

// Operation names, as in the QuickSight API.
const (
	opCreate            = "CreateActionConnector"
	opDescribe          = "DescribeActionConnector"
	opDelete            = "DeleteActionConnector"
	opList              = "ListActionConnectors"
	opSearch            = "SearchActionConnectors"
	opUpdatePermissions = "UpdateActionConnectorPermissions"
	opRegisterUser      = "RegisterUser"
	opDeleteUser        = "DeleteUser"
	opBaseline          = "Baseline"
	opInvoke            = "InvokeAction"
	opDirect            = "upstream directly"
)

// Wire shapes, members in the order the AWS SDK for Go v2 writes them
// (alphabetical), from shared/spec/quicksight-action-connectors.model.json.
type (
	createInput struct {
		ActionConnectorID    string     `json:"ActionConnectorId"`
		AuthenticationConfig authConfig `json:"AuthenticationConfig"`
		Description          string     `json:"Description,omitempty"`
		Name                 string     `json:"Name"`
		Type                 string     `json:"Type"`
	}
	authConfig struct {
		AuthenticationMetadata authMetadata `json:"AuthenticationMetadata"`
		AuthenticationType     string       `json:"AuthenticationType"`
	}
	authMetadata struct {
		APIKeyConnectionMetadata apiKeyMetadata `json:"ApiKeyConnectionMetadata"`
	}
	apiKeyMetadata struct {
		APIKey       string `json:"ApiKey"`
		BaseEndpoint string `json:"BaseEndpoint"`
	}
	searchInput struct {
		Filters []searchFilter `json:"Filters"`
	}
	searchFilter struct {
		Name     string `json:"Name"`
		Operator string `json:"Operator"`
		Value    string `json:"Value"`
	}
	permissionsInput struct {
		GrantPermissions  []permission `json:"GrantPermissions,omitempty"`
		RevokePermissions []permission `json:"RevokePermissions,omitempty"`
	}
	permission struct {
		Actions   []string `json:"Actions"`
		Principal string   `json:"Principal"`
	}
	registerUserInput struct {
		Email        string `json:"Email"`
		IdentityType string `json:"IdentityType"`
		UserName     string `json:"UserName"`
		UserRole     string `json:"UserRole"`
	}
)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the shapes above always marshal
	}
	return b
}

// requests builds the requests of one account.
type requests struct {
	account string
	region  string
}

func (r requests) connectors() string {
	return "/accounts/" + url.PathEscape(r.account) + "/action-connectors"
}

func (r requests) create(id, name string) step {
	return step{op: opCreate, method: "POST", path: r.connectors(), body: mustJSON(createInput{
		ActionConnectorID: id,
		AuthenticationConfig: authConfig{
			AuthenticationMetadata: authMetadata{APIKeyConnectionMetadata: apiKeyMetadata{
				APIKey: "xoxb-loadgen-not-a-secret", BaseEndpoint: "https://slack.com/api"}},
			AuthenticationType: "API_KEY",
		},
		Description: "Created by the actiongate load generator",
		Name:        name,
		Type:        "SLACK",
	})}
}

func (r requests) describe(id string) step {
	return step{op: opDescribe, method: "GET", path: r.connectors() + "/" + url.PathEscape(id)}
}

func (r requests) delete(id string) step {
	return step{op: opDelete, method: "DELETE", path: r.connectors() + "/" + url.PathEscape(id)}
}

func (r requests) list() step {
	return step{op: opList, method: "GET", path: r.connectors() + "?max-results=100"}
}

func (r requests) search(name string) step {
	return step{op: opSearch, method: "POST",
		path: "/accounts/" + url.PathEscape(r.account) + "/search/action-connectors?max-results=100",
		body: mustJSON(searchInput{Filters: []searchFilter{{Name: "ACTION_CONNECTOR_NAME", Operator: "StringLike", Value: name}}})}
}

func (r requests) userARN(name string) string {
	return "arn:aws:quicksight:" + r.region + ":" + r.account + ":user/default/" + name
}

func (r requests) updatePermissions(id, grantUser, revokeUser string) step {
	actions := []string{"quicksight:DescribeActionConnector"}
	return step{op: opUpdatePermissions, method: "POST", path: r.connectors() + "/" + url.PathEscape(id) + "/permissions",
		body: mustJSON(permissionsInput{
			GrantPermissions:  []permission{{Actions: actions, Principal: r.userARN(grantUser)}},
			RevokePermissions: []permission{{Actions: actions, Principal: r.userARN(revokeUser)}},
		})}
}

func (r requests) users() string {
	return "/accounts/" + url.PathEscape(r.account) + "/namespaces/default/users"
}

func (r requests) registerUser(name string) step {
	return step{op: opRegisterUser, method: "POST", path: r.users(), body: mustJSON(registerUserInput{
		Email: name + "@loadgen.example.com", IdentityType: "QUICKSIGHT", UserName: name, UserRole: "READER"})}
}

func (r requests) deleteUser(name string) step {
	return step{op: opDeleteUser, method: "DELETE", path: r.users() + "/" + url.PathEscape(name)}
}

// doRetry is do for setup and teardown: a ThrottlingException is retried
// with a growing pause (up to about 10 s in all), since a server that
// throttles would otherwise fail setup.
func (c *client) doRetry(ctx context.Context, s step, keep bool) (response, error) {
	for attempt := 1; ; attempt++ {
		r, err := c.do(ctx, s, keep)
		if err != nil || r.code != "ThrottlingException" || attempt == 10 {
			return r, err
		}
		if err := (realClock{}).SleepUntil(ctx, time.Now().Add(time.Duration(attempt)*200*time.Millisecond)); err != nil {
			return r, err
		}
	}
}

// runTag returns a random tag that names what one run creates, so that runs
// do not collide and leftovers are recognizable: "lg" and 8 hex digits.
func runTag() string {
	var b [4]byte
	rand.Read(b[:])
	return "lg" + hex.EncodeToString(b[:])
}

// plan is a scenario bound to one run: what to create first, what each
// iteration sends, and what to remove after.
type plan struct {
	scenario   Scenario
	req        requests
	tag        string
	connectors []string // created by setup, deleted by teardown
	users      []string // registered by setup, deleted by teardown
	grantees   []string // user names UpdatePermissions grants to
	invoker    string   // the user Invoke invokes for
}

// Numbers of things setup creates.
const (
	minListConnectors = 120 // List and Search: more than one page of 100
	permissionUsers   = 8
)

func (p *plan) connectorID(kind string, i int64) string {
	return fmt.Sprintf("%s-%s-%d", p.tag, kind, i)
}

// setup creates what the scenario's iterations need, n connectors (at least
// minListConnectors for List and Search) and, for UpdatePermissions, users;
// for Invoke, one user and one connector to upstream (setupInvoke).
// It sends par requests at a time.
func (p *plan) setup(ctx context.Context, c *client, n, par int, upstream *Upstream) error {
	switch p.scenario {
	case Create, baseline:
		return nil
	case Invoke:
		return p.setupInvoke(ctx, c, upstream)
	case List, Search:
		n = max(n, minListConnectors)
	case UpdatePermissions:
		names := make([]string, permissionUsers)
		for i := range names {
			names[i] = fmt.Sprintf("%s-u%d", p.tag, i)
		}
		for i, name := range names {
			r, err := c.doRetry(ctx, p.req.registerUser(name), true)
			if err != nil {
				return err
			}
			if i == 0 && r.status == 404 && r.code == "UnknownOperationException" {
				break // a server without the users API grants to any principal
			}
			if r.code != "" {
				return fmt.Errorf("loadgen: setup: RegisterUser %s: %s: %s", name, r.code, r.body)
			}
			p.users = append(p.users, name)
		}
		p.grantees = names // without the users API, principals need not exist

	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = p.connectorID("s", int64(i))
	}
	err := parallel(ctx, par, len(ids), func(i int) error {
		// Names share the run tag, which Search looks for.
		r, err := c.doRetry(ctx, p.req.create(ids[i], fmt.Sprintf("%s item %d", p.tag, i)), true)
		if err != nil {
			return err
		}
		if r.code != "" {
			return fmt.Errorf("loadgen: setup: CreateActionConnector %s: %s: %s", ids[i], r.code, r.body)
		}
		return nil
	})
	p.connectors = ids // teardown deletes what exists of them
	return err
}

// teardown deletes what setup created, ignoring what is already gone. It
// returns the first failure.
func (p *plan) teardown(ctx context.Context, c *client, par int) error {
	var first error
	var mu sync.Mutex
	note := func(s step, r response, err error) {
		if err == nil && r.code != "" && r.code != "ResourceNotFoundException" {
			err = fmt.Errorf("loadgen: teardown: %s %s: %s", s.op, s.path, r.code)
		}
		if err != nil {
			mu.Lock()
			first = cmpOr(first, err)
			mu.Unlock()
		}
	}
	parallel(ctx, par, len(p.connectors), func(i int) error {
		s := p.req.delete(p.connectors[i])
		r, err := c.doRetry(ctx, s, false)
		note(s, r, err)
		return nil
	})
	for _, u := range p.users {
		s := p.req.deleteUser(u)
		r, err := c.doRetry(ctx, s, false)
		note(s, r, err)
	}
	return first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// iteration returns the requests of iteration i, in order.
func (p *plan) iteration(i int64) []step {
	switch p.scenario {
	case Describe:
		return []step{p.req.describe(p.connectors[i%int64(len(p.connectors))])}
	case Create:
		id := p.connectorID("c", i)
		return []step{p.req.create(id, p.tag+" created "+fmt.Sprint(i)), p.req.delete(id)}
	case List:
		return []step{p.req.list()}
	case Search:
		return []step{p.req.search(p.tag)}
	case UpdatePermissions:
		n := int64(len(p.connectors))
		u := p.grantees
		k := (i / n) % int64(len(u))
		return []step{p.req.updatePermissions(p.connectors[i%n], u[k], u[(k+int64(len(u))/2)%int64(len(u))])}
	case Invoke:
		return []step{p.req.invoke(p.connectors[0], p.invoker)}
	case baseline:
		return []step{{op: opBaseline, method: "GET", path: p.req.connectors() + "/baseline"}}
	}
	panic("loadgen: unknown scenario " + string(p.scenario))
}

// parallel calls f(0) to f(n-1), par at a time, and returns the first error;
// after an error or when ctx is done it starts no more calls.
func parallel(ctx context.Context, par, n int, f func(i int) error) error {
	var (
		next  atomic.Int64
		first error
		once  sync.Once
		wg    sync.WaitGroup
		stop  atomic.Bool
	)
	for range max(1, min(par, n)) {
		wg.Go(func() {
			for !stop.Load() && ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					stop.Store(true)
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}
