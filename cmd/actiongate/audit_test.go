package main

import (
	"testing"
	"time"
)

func TestParseAuditTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"", time.Time{}, true},
		{"2026-04-30T08:00:00Z", time.Date(2026, 4, 30, 8, 0, 0, 0, time.UTC), true},
		{"2026-04-30T08:00:00.123456+02:00", time.Date(2026, 4, 30, 6, 0, 0, 123456000, time.UTC), true},
		{"90m", now.Add(-90 * time.Minute), true},
		{"0s", now, true},
		{"-1h", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"2026-04-30", time.Time{}, false},
	}
	for _, c := range cases {
		got, err := parseAuditTime(c.in, now)
		if (err == nil) != c.ok || !got.Equal(c.want) {
			t.Errorf("parseAuditTime(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}
