package upstreamtest

import (
	"crypto/rand"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"
)

// startTLS starts h on a TLS httptest server on 127.0.0.1 and closes it when the
// test ends.
func startTLS(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// clientOf returns a new *http.Client trusting srv's certificate. Each call
// returns a distinct client sharing srv's transport, so a caller may set
// CheckRedirect or Timeout without affecting others.
func clientOf(srv *httptest.Server) *http.Client {
	return &http.Client{Transport: srv.Client().Transport}
}

// certPEMOf returns srv's leaf certificate as a PEM "CERTIFICATE" block.
func certPEMOf(srv *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

// randomToken returns a token of 130 random bits (26 base32 characters), above
// the 2^-128 guessing bound of RFC 6749 §10.10.
func randomToken() string { return rand.Text() }
