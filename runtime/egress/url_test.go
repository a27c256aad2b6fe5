package egress_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/actiongate/actiongate/runtime/egress"
)

func TestCheckURL(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return "https://h.test/" + strings.Repeat("a", n-len("https://h.test/")) }
	tests := []struct {
		url  string
		rule string // "" when accepted; else a word of the message
	}{
		{"https://api.example.com/v1", ""},
		{"https://api.example.com", ""},
		{"HTTPS://API.EXAMPLE.COM/", ""},
		{"HtTpS://api.example.com/", ""},
		{"https://api.example.com:1/", ""},
		{"https://api.example.com:65535/", ""},
		{"https://api.example.com./", ""},
		{"https://under_score.example.com/", ""},
		{"https://xn--mller-kva.example/", ""},
		{"https://müller.example/", ""},
		{"https://203.0.113.10:8443/x?y=z#f", ""}, // addresses are judged at dial time
		{"https://[2001:db8::1]:443/", ""},
		{"https://api.example.com/a%20b?q=%00", ""},
		{long(egress.MaxURLLength), ""},

		{long(egress.MaxURLLength + 1), "8192"},
		{"http://api.example.com/", "https"},
		{"ftp://api.example.com/", "https"},
		{"xhttps://api.example.com/", "https"},
		{"file:///etc/passwd", "https"},
		{"file:///x#https://api.example.com/", "https"},
		{"data:text/plain,x", "https"},
		{"api.example.com", "https"},
		{"//api.example.com/", "https"},
		{"https:api.example.com", "host"},
		{"https:///path", "host"},
		{"https://:443/", "host"},
		{"https://user:pass@api.example.com/", "user information"},
		{"https://user@api.example.com/", "user information"},
		{"https://:@api.example.com/", "user information"},
		{`https://evil.test\@127.0.0.1/`, "valid URL"},
		{"https://[fe80::1%25eth0]/", "zone"},
		{"https://[fe80::1%eth0]/", "valid URL"},
		{"https://[127.0.0.1]/", "valid URL"},
		{"https://[::1/", "valid URL"},
		{"https://api.example.com:0/", "port"},
		{"https://api.example.com:65536/", "port"},
		{"https://api.example.com:99999/", "port"},
		{"https://api.example.com:/", "port"},
		{"https://[::1]:0/", "port"},
		{"https://[::1]x/", "valid URL"},
		{"https://127.0.0.1%2509/", "letters"},
		{"https://127%2E0.0.1/", "valid URL"},
		{"https://a..b/", "labels"},
		{"https://.a/", "labels"},
		{"https://" + strings.Repeat("a", 64) + ".test/", "labels"},
		{"https://" + strings.Repeat("a.", 127) + "test/", "253"},
		{"https://a.b.c:1:2/", "valid URL"},
		{"https://１２７．０．０．１/", "letters"},
		{"https://api.example.com/\t", "spaces"},
		{"https://api.example.com/ x", "spaces"},
		{"https://api.example.com/\n", "spaces"},
		{"https://api.example.com/\x00", "spaces"},
		{"https://api.example.com/\x7f", "spaces"},
		{"https://api.example.com/\u00a0", "spaces"},
		{"https://api.example.com/\u2028", "spaces"},
		{"https://api.example.com/\xff", "UTF-8"},
		{"", "https"},
	}
	for _, c := range tests {
		u, err := egress.CheckURL(c.url)
		if c.rule == "" {
			if err != nil {
				t.Errorf("CheckURL(%q) = %v, want accepted", c.url, err)
			} else if u.Scheme != "https" || u.Hostname() == "" {
				t.Errorf("CheckURL(%q) = %v, want an https URL with a host", c.url, u)
			}
			continue
		}
		if err == nil {
			t.Errorf("CheckURL(%q) accepted, want refused (%s)", c.url, c.rule)
			continue
		}
		if !errors.Is(err, egress.ErrInvalidURL) {
			t.Errorf("CheckURL(%q) = %v, does not match ErrInvalidURL", c.url, err)
		}
		if !strings.Contains(err.Error(), c.rule) {
			t.Errorf("CheckURL(%q) = %q, want a message naming %q", c.url, err, c.rule)
		}
		// Messages reach API users: a rule, never the URL or its parts.
		if !strings.HasPrefix(err.Error(), "must ") || strings.Contains(err.Error(), "127.0.0.1") ||
			strings.Contains(err.Error(), "egress") {
			t.Errorf("CheckURL(%q) message %q is not a user-facing rule", c.url, err)
		}
	}
}
