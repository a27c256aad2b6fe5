package loadgen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// userAgent is sent with every request, so that server logs can tell load
// from real traffic.
const userAgent = "actiongate-loadgen/1"

// A step is one HTTP request of a scenario: the operation it calls, and the
// request as the AWS SDK serializes it (path already escaped, query included).
type step struct {
	op     string
	method string
	path   string
	body   []byte
	// bearer, when set, is sent as a Bearer token instead of a SigV4
	// signature (Direct's calls to the upstream).
	bearer string
}

// client sends signed requests to one endpoint.
type client struct {
	endpoint string // without a trailing slash
	region   string
	creds    aws.Credentials
	signer   *v4.Signer
	http     *http.Client
}

// response is what a request produced: code is "" for a 2xx answer, else the
// error code (see errorCode).
type response struct {
	status int
	code   string
	body   []byte // only when asked for
}

// do builds, signs and sends s, as the AWS SDK does: the payload hash is
// computed per request and the signature covers host, x-amz-date and
// content-type. It reads the whole response body, keeping it when keep is
// set. A transport failure is a response with status 0 and a code, not an
// error; err is set only when the request cannot be built or signed.
func (c *client) do(ctx context.Context, s step, keep bool) (response, error) {
	var body io.Reader = http.NoBody
	if len(s.body) > 0 {
		body = bytes.NewReader(s.body)
	}
	req, err := http.NewRequestWithContext(ctx, s.method, c.endpoint+s.path, body)
	if err != nil {
		return response{}, err
	}
	if len(s.body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", userAgent)
	if s.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+s.bearer)
	} else {
		sum := sha256.Sum256(s.body)
		if err := c.signer.SignHTTP(ctx, c.creds, req, hex.EncodeToString(sum[:]), "quicksight", c.region, time.Now()); err != nil {
			return response{}, err
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return response{code: transportCode(err)}, nil
	}
	defer resp.Body.Close()
	r := response{status: resp.StatusCode}
	if keep {
		r.body, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	if err != nil {
		return response{status: resp.StatusCode, code: transportCode(err)}, nil
	}
	if resp.StatusCode >= 300 {
		r.code = errorCode(resp)
	}
	return r, nil
}

// errorCode is the error code of a non-2xx response: the X-Amzn-ErrorType
// header up to its first ':' (as the AWS SDKs read it), or "HTTP <status>".
func errorCode(resp *http.Response) string {
	if t := resp.Header.Get("X-Amzn-ErrorType"); t != "" {
		code, _, _ := strings.Cut(t, ":")
		return code
	}
	return "HTTP " + strconv.Itoa(resp.StatusCode)
}

// transportCode names a transport failure with a short, bounded code.
func transportCode(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "Canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "Timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "ConnectionRefused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "ConnectionReset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "EOF"
	case errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.EMFILE):
		return "OutOfSockets"
	}
	return "TransportError"
}

// newTransport returns the default transport: keep-alive connections, at
// least conns of them idle per host so that workers never redial.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        0, // no limit
		MaxIdleConnsPerHost: max(conns, 2),
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second,
	}
}
