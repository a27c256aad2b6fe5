package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"

	"github.com/actiongate/actiongate/runtime/egress/ssrftest"
)

// TestSSRF sends the SSRF corpus of research §1.3 (package ssrftest) through
// every outbound path the server exposes, with the server allowlisting only
// 127.0.0.1/32: the base endpoint of a GENERIC_HTTP connector invoked with
// HttpRequest, the token endpoint of a client-credentials connector (its
// verification), an OpenAPI document fetched by URL, and redirects from an
// allowed upstream. Each attempt must be refused at Create, or fail; and the
// canaries on 127.0.0.2 and [::1] must accept no connection.
//
// The corpus's fake DNS answers cannot be given to a running server: names
// are resolved by the host's resolver, and must still never reach a canary.
func TestSSRF(t *testing.T) {
	t.Parallel()
	c4, c6 := ssrftest.Canaries(t)
	payloads := ssrftest.Payloads(c4.Addr(), c6.Addr())
	if len(payloads) < 100 {
		t.Fatalf("the corpus holds %d payloads, want at least 100", len(payloads))
	}

	// The allowed upstream answers /redirect with the redirect case its
	// query names; other is a second allowed host that must see nothing.
	var otherHits atomic.Int64
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { otherHits.Add(1) }))
	t.Cleanup(other.Close)
	cases := ssrftest.RedirectCases(c4.Addr(), other.URL+"/steal")
	up := newUpstream(t, map[string]http.HandlerFunc{
		"/redirect": func(w http.ResponseWriter, r *http.Request) {
			i, err := strconv.Atoi(r.URL.Query().Get("case"))
			if err != nil || i < 0 || i >= len(cases) {
				http.Error(w, "no such case", http.StatusBadRequest)
				return
			}
			w.Header().Set("Location", cases[i].Location)
			w.WriteHeader(cases[i].Status)
		},
	})
	s := startServer(t, runtimeOptions(certFile(t, up.Server)))
	admin := s.admin()
	registerUsers(t, admin, "alice")
	alice := user("alice")
	x := s.adminExt()
	createConnector(t, admin, "spec-target", types.ActionConnectorTypeGenericHttp, noneAuth(up.URL), alice)
	createConnector(t, admin, "redirector", types.ActionConnectorTypeGenericHttp, noneAuth(up.URL), alice)

	// tally counts the outcomes of one path.
	type tally struct {
		mu       sync.Mutex
		outcomes map[string]int
	}
	count := func(tl *tally, outcome string) {
		tl.mu.Lock()
		defer tl.mu.Unlock()
		if tl.outcomes == nil {
			tl.outcomes = map[string]int{}
		}
		tl.outcomes[outcome]++
	}
	var base, token, spec, redirect tally

	// isCode reports whether err is an API error with code.
	isCode := func(err error, code string) bool {
		var api interface{ ErrorCode() string }
		return errors.As(err, &api) && api.ErrorCode() == code
	}
	create := func(ctx context.Context, id string, auth *types.AuthConfig) error {
		_, err := admin.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: aws.String(account),
			ActionConnectorId: aws.String(id), Name: aws.String(id), Type: types.ActionConnectorTypeGenericHttp,
			AuthenticationConfig: auth, Permissions: viewers(alice)})
		return err
	}

	// Each payload goes through the three endpoint paths, a bounded number
	// of payloads at a time.
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i, p := range payloads {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			fail := func(format string, args ...any) {
				t.Errorf("payload %s (%q): %s", p.Name, p.URL, fmt.Sprintf(format, args...))
			}

			// 1. The base endpoint of a connector, invoked.
			id := fmt.Sprintf("base-%03d", i)
			switch err := create(ctx, id, noneAuth(p.URL)); {
			case isCode(err, "InvalidParameterValueException"):
				count(&base, "refused at Create")
			case err != nil:
				fail("Create with the base endpoint: %v", err)
			default:
				r, err := x.sendInvoke(ctx, id, "HttpRequest", map[string]any{"Method": "GET", "Path": "/latest/meta-data/"}, alice)
				switch {
				case err != nil:
					fail("invoke: %v", err)
				case r.Status == 400 && r.Code == "InvalidParameterValueException",
					r.Status == 424 && r.Code == "UpstreamFailureException":
					count(&base, "invoke "+r.Code)
				default:
					fail("invoke answered %d %s: %s", r.Status, r.Code, r)
				}
			}

			// 2. The token endpoint of a client-credentials connector: its
			// verification fails.
			id = fmt.Sprintf("token-%03d", i)
			switch err := create(ctx, id, clientCredentialsAuth(up.URL, "client", "canary-client-secret", p.URL)); {
			case isCode(err, "InvalidParameterValueException"):
				count(&token, "refused at Create")
			case err != nil:
				fail("Create with the token endpoint: %v", err)
			default:
				got, err := settle(ctx, admin, id, 60*time.Second)
				switch {
				case err != nil:
					fail("verification: %v", err)
				case got.Status != types.ResourceStatusCreationFailed:
					fail("verification ended %s, want CREATION_FAILED", got.Status)
				default:
					count(&token, "CREATION_FAILED")
				}
			}

			// 3. An OpenAPI document fetched from the URL.
			r, err := x.send(ctx, "PUT", connectorPath("spec-target")+"/openapi", map[string]any{"Url": p.URL})
			switch {
			case err != nil:
				fail("PUT openapi: %v", err)
			case r.Status == 400 && r.Code == "InvalidParameterValueException",
				r.Status == 424 && r.Code == "UpstreamFailureException":
				count(&spec, r.Code)
			default:
				fail("PUT openapi answered %d %s: %s", r.Status, r.Code, r)
			}
		})
	}

	// 4. Redirects from the allowed upstream are not followed: the 3xx is the
	// result.
	for i, c := range cases {
		for _, method := range []string{"GET", "POST"} {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				in := map[string]any{"Method": method, "Path": "/redirect", "Query": map[string]any{"case": strconv.Itoa(i)}}
				if method == "POST" {
					in["Body"] = map[string]any{"steal": "me"}
				}
				r, err := x.sendInvoke(context.Background(), "redirector", "HttpRequest", in, alice)
				if err != nil {
					t.Errorf("redirect %s (%s): %v", c.Name, method, err)
					return
				}
				var res invokeResult
				if r.Status != 200 || json.Unmarshal(r.Body, &res) != nil || res.UpstreamStatus != c.Status || res.Headers["Location"] != c.Location {
					t.Errorf("redirect %s (%s) answered %d %s: %s; want the %d with its Location", c.Name, method, r.Status, r.Code, r, c.Status)
					return
				}
				count(&redirect, strconv.Itoa(c.Status)+" returned")
			})
		}
	}
	wg.Wait()

	if n4, n6 := c4.Accepts(), c6.Accepts(); n4 != 0 || n6 != 0 {
		t.Errorf("the canaries accepted %d (IPv4) and %d (IPv6) connections, want 0", n4, n6)
	}
	if got := otherHits.Load(); got != 0 {
		t.Errorf("the other allowed host received %d requests through redirects, want 0", got)
	}
	t.Logf("%d payloads, %d redirect cases (GET and POST)", len(payloads), len(cases))
	t.Logf("base endpoint: %v", base.outcomes)
	t.Logf("token endpoint: %v", token.outcomes)
	t.Logf("OpenAPI URL: %v", spec.outcomes)
	t.Logf("redirects: %v", redirect.outcomes)
}
