package actiongate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMergePermissions(t *testing.T) {
	t.Parallel()
	const (
		alice = "arn:aws:quicksight:us-east-1:111122223333:user/default/alice"
		bob   = "arn:aws:quicksight:us-east-1:111122223333:user/default/bob"
		team  = "arn:aws:quicksight:us-east-1:111122223333:group/default/team"
		d     = "quicksight:DescribeActionConnector"
		u     = "quicksight:UpdateActionConnector"
		x     = "quicksight:DeleteActionConnector"
	)
	current := []Permission{{alice, []string{d}}, {bob, []string{d, u}}}
	got := mergePermissions(current,
		[]Permission{{alice, []string{u, x}}, {team, []string{d}}, {team, []string{d, u}}},
		[]Permission{{bob, []string{d, u}}, {alice, []string{x}}, {"arn:aws:quicksight:us-east-1:111122223333:user/default/nobody", []string{d}}})
	want := []Permission{{team, []string{d, u}}, {alice, []string{d, u}}} // ordered by principal
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merge (-want +got):\n%s", diff)
	}
	if got := mergePermissions(nil, nil, nil); len(got) != 0 {
		t.Errorf("empty merge = %v", got)
	}
}

func TestPageTokens(t *testing.T) {
	t.Parallel()
	p := pageTokens{key: []byte("0123456789abcdef0123456789abcdef")}
	other := pageTokens{key: []byte("fedcba9876543210fedcba9876543210")}
	tok := p.issue("111122223333\x00list", "connector-42")
	if got, err := p.open("111122223333\x00list", tok); err != nil || got != "connector-42" {
		t.Fatalf("open = %q, %v", got, err)
	}
	forged := []byte(tok)
	forged[2] ^= 1
	for name, tc := range map[string]struct {
		p     pageTokens
		scope string
		token string
	}{
		"other account": {p, "444455556666\x00list", tok},
		"other query":   {p, "111122223333\x00search\x00x", tok},
		"other key":     {other, "111122223333\x00list", tok},
		"altered":       {p, "111122223333\x00list", string(forged)},
		"not base64":    {p, "111122223333\x00list", "!!!"},
		"line break":    {p, "111122223333\x00list", tok[:4] + "\r\n" + tok[4:]},
		"too short":     {p, "111122223333\x00list", "AAAA"},
		"empty cursor":  {p, "111122223333\x00list", p.issue("111122223333\x00list", "")},
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := tc.p.open(tc.scope, tc.token); err == nil || KindOf(err) != KindInvalidNextToken {
				t.Errorf("open = %q, %v; want KindInvalidNextToken", got, err)
			}
		})
	}
}

func FuzzPageToken(f *testing.F) {
	p := pageTokens{key: []byte("0123456789abcdef0123456789abcdef")}
	f.Add(p.issue("s", "c"))
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, token string) {
		cursor, err := p.open("s", token)
		if err == nil && p.issue("s", cursor) != token {
			t.Errorf("token %q opened to %q but that cursor issues another token", token, cursor)
		}
	})
}
