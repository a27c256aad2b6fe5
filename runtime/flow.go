package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
	"github.com/actiongate/actiongate/runtime/egress"
)

// flows are the actions that take several requests (catalog.Action.Flow),
// by name.
var flows = map[string]flow{
	"SlackFileUpload":   slackFileUpload,
	"SlackFileDownload": slackFileDownload,
}

// A flow performs an action of several requests through s, its input
// checked against the action's schema, and returns the answer that
// becomes the invocation's result.
type flow func(ctx context.Context, s *flowSession, in json.RawMessage) (answer, error)

// flowSession sends the requests of one flow for a call.
type flowSession struct {
	r    *Runtime
	call actiongate.Call
	base *url.URL
}

// invokeFlow performs def, an action of several requests.
func (r *Runtime) invokeFlow(ctx context.Context, call actiongate.Call, def catalog.Action, in json.RawMessage, start time.Time) (*actiongate.InvokeResult, error) {
	f, ok := flows[def.Flow]
	if !ok {
		return nil, actiongate.Internal(fmt.Errorf("runtime: no flow %s", def.Flow))
	}
	base, err := egress.CheckURL(call.Connector.Auth.BaseEndpoint())
	if err != nil {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "The connector's base endpoint is not usable: %s", err.Error())
	}
	a, err := f(ctx, &flowSession{r: r, call: call, base: base}, in)
	if err != nil {
		return nil, err
	}
	return r.result(call.Connector, def.ID, a, start)
}

// step sends one request of the flow under the base endpoint, with the
// connector's credentials, and returns its answer; an answer that fails
// ends the flow with the error the invocation returns.
func (s *flowSession) step(ctx context.Context, method, path string, query url.Values, body any) (answer, error) {
	u := *s.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	u.RawQuery = query.Encode()
	var req *http.Request
	var err error
	if body == nil {
		req, err = http.NewRequestWithContext(ctx, method, u.String(), nil)
	} else {
		var j []byte
		if j, err = json.Marshal(body); err != nil {
			return answer{}, actiongate.Internal(err)
		}
		req, err = http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(j))
		req.Header.Set("Content-Type", "application/json")
	}
	if err != nil {
		return answer{}, actiongate.Errorf(actiongate.KindInvalid, "Input does not make a valid HTTP request.")
	}
	req.Header.Set("Accept", "application/json")
	return s.checked(s.r.send(ctx, s.call, req, true))
}

// checked passes on an answer that succeeded, and turns one that failed
// into the invocation's error.
func (s *flowSession) checked(a answer, err error) (answer, error) {
	if err != nil {
		return answer{}, err
	}
	if _, err := s.r.result(s.call.Connector, s.call.ActionID, a, time.Time{}); err != nil {
		return answer{}, err
	}
	return a, nil
}
