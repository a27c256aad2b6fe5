package upstreamtest

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// AWSAnswer is what an AWSService answers.
type AWSAnswer struct {
	Status int // 0 means 200
	Header map[string]string
	Body   []byte
}

// AWSRequest is a request an AWSService received.
type AWSRequest struct {
	Method string
	Path   string // unescaped
	Query  url.Values
	Header http.Header
	// Body is the content, decoded from aws-chunked framing when sent so.
	Body []byte
	// Problem says what is wrong with the signature or the framing; "" when
	// nothing is.
	Problem string
}

// AWSService is a loopback endpoint of an AWS service whose callers act
// through a role that an STSServer lets them assume. It checks every request's
// SigV4 signature against the temporary credentials that STS issued,
// decodes aws-chunked bodies with their trailing checksum ("Uploading objects
// with trailing checksums", Amazon S3 User Guide), records the request and
// answers with the answer last set.
type AWSService struct {
	srv     *httptest.Server
	sts     *STSServer
	service string // the SigV4 signing name

	mu     sync.Mutex
	answer AWSAnswer
	seen   []AWSRequest
}

// NewAWSService starts the endpoint of the service that signs as
// signingName, trusting the credentials sts issues.
func NewAWSService(t testing.TB, sts *STSServer, signingName string) *AWSService {
	s := &AWSService{sts: sts, service: signingName}
	s.srv = startTLS(t, http.HandlerFunc(s.serve))
	return s
}

// URL is the endpoint, for the SDK's endpoint override.
func (s *AWSService) URL() string { return s.srv.URL }

// CertPEM returns the endpoint's certificate.
func (s *AWSService) CertPEM() []byte { return certPEMOf(s.srv) }

// Answer sets the answer to the requests that follow.
func (s *AWSService) Answer(a AWSAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer = a
}

// Requests returns the requests received so far.
func (s *AWSService) Requests() []AWSRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen)
}

func (s *AWSService) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	rec := AWSRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body}
	if err != nil {
		rec.Problem = "reading the body: " + err.Error()
	} else {
		rec.Problem = s.checkSignature(r, body)
	}
	if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
		var problem string
		rec.Body, problem = decodeAWSChunked(body, r.Header)
		rec.Problem += problem
	}
	s.mu.Lock()
	s.seen = append(s.seen, rec)
	a := s.answer
	s.mu.Unlock()
	for k, v := range a.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(cmp.Or(a.Status, http.StatusOK))
	w.Write(a.Body)
}

// checkSignature reports what is wrong with the signature of r: it must be
// made with temporary credentials that the STS issued, carry their session
// token, be scoped to us-east-1 and the service, and match the signature the
// SDK's signer makes of the same request with the same credentials.
func (s *AWSService) checkSignature(r *http.Request, body []byte) string {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 Credential=")
	if !ok {
		return fmt.Sprintf("Authorization %q is not SigV4", auth)
	}
	scope, rest, _ := strings.Cut(rest, ", ")
	parts := strings.Split(scope, "/")
	if len(parts) != 5 || parts[2] != DefaultSTSRegion || parts[3] != s.service || parts[4] != "aws4_request" {
		return fmt.Sprintf("credential scope %q is not <key>/<date>/%s/%s/aws4_request", scope, DefaultSTSRegion, s.service)
	}
	secretKey, session, ok := s.sts.IssuedCredentials(parts[0])
	if !ok {
		return fmt.Sprintf("access key %s is not one the role's AssumeRole issued", parts[0])
	}
	if got := r.Header.Get("X-Amz-Security-Token"); got != session {
		return "X-Amz-Security-Token is not the role's session token"
	}
	signedPart, _, _ := strings.Cut(rest, ", ")
	signed, _ := strings.CutPrefix(signedPart, "SignedHeaders=")
	req, err := http.NewRequest(r.Method, "https://"+r.Host+r.RequestURI, nil)
	if err != nil {
		return err.Error()
	}
	for h := range strings.SplitSeq(signed, ";") {
		switch h {
		case "host":
		case "content-length":
			req.ContentLength = r.ContentLength
		default:
			req.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return "X-Amz-Date is missing or malformed"
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = s.service == "s3" })
	creds := aws.Credentials{AccessKeyID: parts[0], SecretAccessKey: secretKey, SessionToken: session}
	if err := signer.SignHTTP(context.Background(), creds, req, payload, s.service, DefaultSTSRegion, when); err != nil {
		return err.Error()
	}
	if want := req.Header.Get("Authorization"); want != auth {
		return fmt.Sprintf("the signature does not verify:\n got  %s\n want %s", auth, want)
	}
	return ""
}

// decodeAWSChunked decodes an aws-chunked body with a trailing checksum, and
// reports what is wrong with its framing, length or CRC32 checksum.
func decodeAWSChunked(b []byte, h http.Header) ([]byte, string) {
	br := bufio.NewReader(bytes.NewReader(b))
	var data []byte
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, "aws-chunked: no final chunk"
		}
		size, _, _ := strings.Cut(strings.TrimSpace(line), ";")
		n, err := strconv.ParseInt(size, 16, 32)
		if err != nil {
			return nil, "aws-chunked: bad chunk size"
		}
		if n == 0 {
			break
		}
		chunk := make([]byte, n+2)
		if _, err := io.ReadFull(br, chunk); err != nil || !bytes.HasSuffix(chunk, []byte("\r\n")) {
			return nil, "aws-chunked: bad chunk"
		}
		data = append(data, chunk[:n]...)
	}
	trailer := http.Header{}
	for {
		line, err := br.ReadString('\n')
		line = strings.TrimSpace(line)
		if line == "" || err != nil {
			break
		}
		k, v, _ := strings.Cut(line, ":")
		trailer.Set(k, v)
	}
	if h.Get("X-Amz-Decoded-Content-Length") != strconv.Itoa(len(data)) {
		return data, "X-Amz-Decoded-Content-Length is not the content's length"
	}
	if name := h.Get("X-Amz-Trailer"); name != "" {
		sum := binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(data))
		if got := trailer.Get(name); name != "x-amz-checksum-crc32" || got != base64.StdEncoding.EncodeToString(sum) {
			return data, fmt.Sprintf("trailing checksum %s = %q does not match the content", name, got)
		}
	}
	return data, ""
}
