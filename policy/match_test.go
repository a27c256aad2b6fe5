package policy

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, value string
		foldCase       bool
		want           bool
	}{
		{"", "", false, true},
		{"", "a", false, false},
		{"a", "", false, false},
		{"abc", "abc", false, true},
		{"abc", "abd", false, false},
		{"abc", "abcd", false, false},
		{"abcd", "abc", false, false},
		{"*", "", false, true},
		{"*", "anything:at/all", false, true},
		{"**", "", false, true},
		{"a**b", "ab", false, true},
		{"?", "", false, false},
		{"?", "a", false, true},
		{"?", "ab", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"a?c", "a/c", false, true},
		{"?", "é", false, true},    // one character of two bytes
		{"??", "é", false, false},  // not two
		{"*??", "€", false, false}, // the star never splits a character
		{"*??", "x€", false, true},
		{"a*b", "ab", false, true},
		{"a*b", "axxb", false, true},
		{"a*b", "axxbc", false, false},
		{"a*b", "abab", false, true},
		{"*ab", "aab", false, true},
		{"*aab", "aaab", false, true},
		{"*a*b*c*", "xaybzc", false, true},
		{"*a*b*c*", "xcybza", false, false},
		{"*?*", "", false, false},
		{"a*", "a", false, true},
		{"*a", "ba", false, true},
		{"*a", "ab", false, false},
		{"a*a*a*b", "aaaaaaa", false, false},
		{"a*a*a*b", "aaaaaab", false, true},
		{"arn:aws:quicksight:*:111122223333:action-connector/*", "arn:aws:quicksight:us-east-1:111122223333:action-connector/jira-1", false, true},
		{"arn:*/jira-*", "arn:aws:quicksight:us-east-1:111122223333:action-connector/jira-1", false, true},  // '*' spans ':' and '/'
		{"arn:*:jira-*", "arn:aws:quicksight:us-east-1:111122223333:action-connector/jira-1", false, false}, // no ':' before jira-
		{"action-connector/jira-*", "action-connector/JIRA-1", false, false},
		{"action-connector/jira-*", "action-connector/JIRA-1", true, true},
		{"QuickSight:Describe*", "quicksight:describeactionconnector", true, true},
		{"QuickSight:Describe*", "quicksight:describeactionconnector", false, false},
		{"quicksight:d?scribe", "QUICKSIGHT:DESCRIBE", true, true},
		{"é", "É", true, false}, // only ASCII letters fold
		{"[a]", "[a]", false, true},
		{".*", "ab", false, false}, // no regexp syntax
		{"a\\*", "a\\bc", false, true},
	}
	for _, tt := range tests {
		if got := match(tt.pattern, tt.value, tt.foldCase); got != tt.want {
			t.Errorf("match(%q, %q, %v) = %v, want %v", tt.pattern, tt.value, tt.foldCase, got, tt.want)
		}
	}
}

// TestMatchPathological runs patterns that take exponential time in a naive
// recursive matcher against a long value. It asserts only the results: that it
// finishes at all is the point.
func TestMatchPathological(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 10_000)
	tests := []struct {
		name, pattern, value string
		want                 bool
	}{
		{"50 stars", strings.Repeat("*", 50), long, true},
		{"50 stars then b", strings.Repeat("*", 50) + "b", long, false},
		{"a* fifty times then b", strings.Repeat("a*", 50) + "b", long, false},
		{"a* fifty times then b, matching", strings.Repeat("a*", 50) + "b", long + "b", true},
		{"*a fifty times then b", strings.Repeat("*a", 50) + "b", long, false},
		{"?* fifty times then b", strings.Repeat("?*", 50) + "b", long, false},
		{"long literal after a star", "*" + strings.Repeat("a", 100) + "b", long, false},
		{"folded", strings.Repeat("A*", 50) + "B", long + "b", true},
	}
	for _, tt := range tests {
		if got := match(tt.pattern, tt.value, true); got != tt.want {
			t.Errorf("%s: match = %v, want %v", tt.name, got, tt.want)
		}
	}
}
