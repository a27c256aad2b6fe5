package sigv4

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// signedCase is a valid signed request and what is needed to mutate it.
type signedCase struct {
	desc      string
	req       *http.Request // client request, signed
	body      []byte
	presigned bool
	expires   int
	signedAt  time.Time
	method    string
	target    string
	headers   [][2]string
}

// randomCase builds and signs a random QuickSight-like request: one of the API's
// routes with random ids (some needing percent-encoding), an ARN in the path,
// 0 to 3 query parameters (repeated keys, '+', '/', '=' and UTF-8 in values),
// optional signed headers, and a JSON body for POST and PUT. A quarter are
// presigned.
func randomCase(t *testing.T, rng *rand.Rand, now time.Time) signedCase {
	t.Helper()
	const idChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	id := func() string {
		b := make([]byte, 1+rng.IntN(24))
		for i := range b {
			b[i] = idChars[rng.IntN(len(idChars))]
		}
		s := string(b)
		switch rng.IntN(6) {
		case 0:
			s += " é:x"
		case 1:
			s += "+/="
		}
		return s
	}
	account := fmt.Sprintf("%012d", rng.Int64N(1e12))
	var path string
	switch rng.IntN(5) {
	case 0:
		path = "/accounts/" + account + "/action-connectors"
	case 1:
		path = "/accounts/" + account + "/action-connectors/" + escape(id(), false)
	case 2:
		path = "/accounts/" + account + "/action-connectors/" + escape(id(), false) + "/permissions"
	case 3:
		path = "/accounts/" + account + "/search/action-connectors"
	default:
		path = "/resources/" + escape("arn:aws:quicksight:us-east-1:"+account+":action-connector/"+id(), false) + "/tags"
	}
	var query []string
	for range rng.IntN(4) {
		k := []string{"max-results", "next-token", "keys", "Param"}[rng.IntN(4)]
		query = append(query, k+"="+escape(id(), false))
	}
	target := path
	if len(query) > 0 {
		target += "?" + strings.Join(query, "&")
	}
	method := []string{"GET", "POST", "PUT", "DELETE"}[rng.IntN(4)]
	var headers [][2]string
	var body []byte
	if method == "POST" || method == "PUT" {
		headers = append(headers, [2]string{"Content-Type", "application/json"})
		body = fmt.Appendf(nil, `{"Name":%q,"Description":%q}`, id(), strings.Repeat(id(), rng.IntN(8)))
	}
	if rng.IntN(3) == 0 {
		headers = append(headers, [2]string{"My-Header1", "v  " + id()})
	}

	req := newRequest(t, method, "http://example.test", target, body)
	for _, h := range headers {
		req.Header.Add(h[0], h[1])
	}
	c := signedCase{method: method, target: target, headers: headers, body: body}
	if rng.IntN(4) == 0 {
		c.presigned = true
		c.expires = 1 + rng.IntN(3600)
		c.signedAt = now.Add(-time.Duration(rng.IntN(c.expires)) * time.Second)
		c.req = presign(t, req, body, credentials(), testRegion, testService, c.signedAt, c.expires)
	} else {
		c.signedAt = now.Add(time.Duration(rng.IntN(28*60+1)-14*60) * time.Second)
		signHeader(t, req, body, credentials(), testRegion, testService, c.signedAt)
		c.req = req
	}
	c.desc = fmt.Sprintf("%s %s (presigned %v)", method, target, c.presigned)
	return c
}

// clone returns a copy of the case's request with its body, for one mutation.
func (c signedCase) clone() (*http.Request, []byte) {
	r := c.req.Clone(c.req.Context())
	u := *c.req.URL
	r.URL = &u
	return withBody(r, c.body), bytes.Clone(c.body)
}

// mutation changes one thing in a signed request. It returns false when it does
// not apply to the case.
type mutation struct {
	name string
	fn   func(rng *rand.Rand, c signedCase) (*http.Request, bool)
}

// editCredential rewrites the credential scope of r, in either form.
func editCredential(r *http.Request, presigned bool, f func(parts []string)) {
	if presigned {
		q := r.URL.Query()
		parts := strings.Split(q.Get("X-Amz-Credential"), "/")
		f(parts)
		q.Set("X-Amz-Credential", strings.Join(parts, "/"))
		r.URL.RawQuery = q.Encode()
		return
	}
	a := r.Header.Get("Authorization")
	i := strings.Index(a, "Credential=") + len("Credential=")
	j := i + strings.IndexByte(a[i:], ',')
	parts := strings.Split(a[i:j], "/")
	f(parts)
	r.Header.Set("Authorization", a[:i]+strings.Join(parts, "/")+a[j:])
}

// resign signs the case again at a different time.
func resign(t *testing.T, c signedCase, at time.Time) *http.Request {
	req := newRequest(t, c.method, "http://example.test", c.target, c.body)
	for _, h := range c.headers {
		req.Header.Add(h[0], h[1])
	}
	if c.presigned {
		return presign(t, req, c.body, credentials(), testRegion, testService, at, c.expires)
	}
	signHeader(t, req, c.body, credentials(), testRegion, testService, at)
	return req
}

func mutations(t *testing.T, now time.Time) []mutation {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	setDate := func(r *http.Request, presigned bool, d string) {
		if presigned {
			q := r.URL.Query()
			q.Set("X-Amz-Date", d)
			r.URL.RawQuery = q.Encode()
		} else {
			r.Header.Set("X-Amz-Date", d)
		}
	}
	return []mutation{
		{"signature bit", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			flip := func(s string) string {
				b, err := hex.DecodeString(s)
				if err != nil || len(b) == 0 {
					t.Fatalf("signature %q is not hex", s)
				}
				i := rng.IntN(len(b) * 8)
				b[i/8] ^= 1 << (i % 8)
				return hex.EncodeToString(b)
			}
			if c.presigned {
				q := r.URL.Query()
				q.Set("X-Amz-Signature", flip(q.Get("X-Amz-Signature")))
				r.URL.RawQuery = q.Encode()
			} else {
				a := r.Header.Get("Authorization")
				i := strings.Index(a, "Signature=") + len("Signature=")
				r.Header.Set("Authorization", a[:i]+flip(a[i:]))
			}
			return r, true
		}},
		{"method", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			others := slices.DeleteFunc([]string{"GET", "POST", "PUT", "DELETE", "PATCH"}, func(m string) bool { return m == c.method })
			r.Method = others[rng.IntN(len(others))]
			return r, true
		}},
		{"path byte", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			raw := r.URL.EscapedPath()
			var pos []int
			for i := 0; i < len(raw); i++ {
				if raw[i] == '%' || raw[i] == '/' || i >= 1 && raw[i-1] == '%' || i >= 2 && raw[i-2] == '%' {
					continue
				}
				pos = append(pos, i)
			}
			i := pos[rng.IntN(len(pos))]
			c2 := raw[i]
			for c2 == raw[i] {
				c2 = alnum[rng.IntN(len(alnum))]
			}
			newRaw := raw[:i] + string(c2) + raw[i+1:]
			p, err := url.PathUnescape(newRaw)
			if err != nil {
				t.Fatalf("mutated path %q: %v", newRaw, err)
			}
			r.URL.Path, r.URL.RawPath = p, newRaw
			return r, true
		}},
		{"query value", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			if r.URL.RawQuery == "" {
				return nil, false
			}
			pieces := strings.Split(r.URL.RawQuery, "&")
			i := rng.IntN(len(pieces))
			pieces[i] += string(alnum[rng.IntN(len(alnum))])
			r.URL.RawQuery = strings.Join(pieces, "&")
			return r, true
		}},
		{"query parameter added", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			extra := "extra=" + string(alnum[rng.IntN(len(alnum))])
			if r.URL.RawQuery == "" {
				r.URL.RawQuery = extra
			} else {
				r.URL.RawQuery += "&" + extra
			}
			return r, true
		}},
		{"query parameter removed", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			var pieces []string
			for p := range strings.SplitSeq(r.URL.RawQuery, "&") {
				if p != "" && !strings.HasPrefix(p, "X-Amz-") {
					pieces = append(pieces, p)
				}
			}
			if len(pieces) == 0 {
				return nil, false
			}
			drop := pieces[rng.IntN(len(pieces))]
			all := strings.Split(r.URL.RawQuery, "&")
			i := slices.Index(all, drop)
			r.URL.RawQuery = strings.Join(slices.Delete(all, i, i+1), "&")
			return r, true
		}},
		{"signed header value", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			var names []string
			for _, h := range c.headers {
				names = append(names, h[0])
			}
			if len(names) == 0 {
				return nil, false
			}
			n := names[rng.IntN(len(names))]
			r.Header.Set(n, r.Header.Get(n)+string(alnum[rng.IntN(len(alnum))]))
			return r, true
		}},
		{"signed header removed", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			if len(c.headers) == 0 {
				return nil, false
			}
			r.Header.Del(c.headers[rng.IntN(len(c.headers))][0])
			return r, true
		}},
		{"body byte", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, body := c.clone()
			if len(body) == 0 {
				body = []byte{alnum[rng.IntN(len(alnum))]}
			} else {
				i := rng.IntN(len(body) * 8)
				body[i/8] ^= 1 << (i % 8)
			}
			return withBody(r, body), true
		}},
		{"date +1s", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			setDate(r, c.presigned, formatTime(c.signedAt.Add(time.Second)))
			return r, true
		}},
		{"date -1s", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			setDate(r, c.presigned, formatTime(c.signedAt.Add(-time.Second)))
			return r, true
		}},
		{"date 1s beyond the past edge", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			if c.presigned {
				return resign(t, c, now.Add(-time.Duration(c.expires+1)*time.Second)), true
			}
			return resign(t, c, now.Add(-DefaultMaxSkew-time.Second)), true
		}},
		{"date 1s beyond the future edge", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			return resign(t, c, now.Add(DefaultMaxSkew+time.Second)), true
		}},
		{"region", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			editCredential(r, c.presigned, func(p []string) { p[2] = []string{"us-east-2", "us-west-2", "eu-west-1", "US-EAST-1"}[rng.IntN(4)] })
			return r, true
		}},
		{"service", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			editCredential(r, c.presigned, func(p []string) { p[3] = []string{"s3", "sts", "QuickSight", "quicksight2"}[rng.IntN(4)] })
			return r, true
		}},
		{"access key", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			editCredential(r, c.presigned, func(p []string) { p[0] = []string{testAKID2, "AKIDUNKNOWN", "akidexample"}[rng.IntN(3)] })
			return r, true
		}},
		{"host", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			r.Host = []string{"other.test", "example.test:80", "EXAMPLE.TEST", "example.test."}[rng.IntN(4)]
			return r, true
		}},
		{"session token", func(rng *rand.Rand, c signedCase) (*http.Request, bool) {
			r, _ := c.clone()
			r.Header.Set("X-Amz-Security-Token", testToken)
			return r, true
		}},
	}
}

// TestVerifyMutations signs hundreds of random requests, checks that each
// verifies, then changes one thing at a time (a signature bit, the method, a path
// byte, a query value, a signed header, a body bit, the date, the scope, the host,
// the access key) and counts the mutants Verify accepts: there must be none.
func TestVerifyMutations(t *testing.T) {
	t.Parallel()
	n := 600
	if testing.Short() {
		n = 100
	}
	now := testNow()
	v := newVerifier(now)
	rng := rand.New(rand.NewPCG(20260102, 30405))
	muts := mutations(t, now)
	var total, accepted int
	for range n {
		c := randomCase(t, rng, now)
		if id, err := v.Verify(overWire(t, c.req)); err != nil || id != testAKID {
			t.Fatalf("unmutated %s: Verify = %q, %v", c.desc, id, err)
		}
		for _, m := range muts {
			r, ok := m.fn(rng, c)
			if !ok {
				continue
			}
			total++
			id, err := v.Verify(overWire(t, r))
			var e *Error
			if err == nil || id != "" {
				accepted++
				t.Errorf("%s of %s: accepted", m.name, c.desc)
			} else if !errors.As(err, &e) {
				t.Errorf("%s of %s: internal error %v, want an *Error", m.name, c.desc, err)
			}
		}
	}
	t.Logf("%d requests, %d mutants, %d accepted", n, total, accepted)
}
