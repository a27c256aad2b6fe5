package loadgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// exactQuantile is the reference: the smallest value with at least q of the
// values at or below it.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func TestHistogramQuantiles(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	dists := map[string]func() time.Duration{
		"uniform 1µs-1s":    func() time.Duration { return time.Microsecond + time.Duration(r.Int64N(int64(time.Second))) },
		"exponential 2ms":   func() time.Duration { return time.Duration(r.ExpFloat64() * float64(2*time.Millisecond)) },
		"lognormal":         func() time.Duration { return time.Duration(math.Exp(r.NormFloat64()*1.5) * float64(time.Millisecond)) },
		"small exact 0-300": func() time.Duration { return time.Duration(r.IntN(300)) },
		"bimodal": func() time.Duration {
			return []time.Duration{time.Millisecond, time.Minute}[r.IntN(2)] + time.Duration(r.IntN(1000))
		},
	}
	for name, gen := range dists {
		t.Run(name, func(t *testing.T) {
			h := NewHistogram()
			vals := make([]time.Duration, 200_000)
			for i := range vals {
				vals[i] = gen()
				h.Record(vals[i])
			}
			slices.Sort(vals)
			for _, q := range []float64{0, 0.5, 0.9, 0.99, 0.999, 1} {
				want, got := exactQuantile(vals, q), h.Quantile(q)
				if diff := math.Abs(float64(got - want)); diff > 0.01*float64(want) {
					t.Errorf("q%v = %v, want %v within 1%%", q, got, want)
				}
			}
			if h.Max() != vals[len(vals)-1] {
				t.Errorf("Max = %v, want %v", h.Max(), vals[len(vals)-1])
			}
			if h.Count() != uint64(len(vals)) {
				t.Errorf("Count = %d, want %d", h.Count(), len(vals))
			}
		})
	}
}

// TestHistogramBuckets checks the layout: every value falls in the bucket
// whose range holds it, and buckets are at most 1/128 of their values wide.
func TestHistogramBuckets(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	check := func(v int64) {
		i := bucketOf(v)
		if i < 0 || i >= numBuckets {
			t.Fatalf("bucketOf(%d) = %d, out of range", v, i)
		}
		low, width := bucketRange(i)
		if v < low || v-low >= width {
			t.Fatalf("bucketOf(%d) = %d holding [%d, %d+%d)", v, i, low, low, width)
		}
		if width > 1 && float64(width) > float64(low)/subBuckets {
			t.Fatalf("bucket %d is %d wide at %d", i, width, low)
		}
	}
	for v := range int64(5000) {
		check(v)
	}
	for range 100_000 {
		check(r.Int64N(math.MaxInt64))
	}
	check(math.MaxInt64)
	h := NewHistogram()
	h.Record(-time.Second)
	if h.Quantile(0.5) != 0 || h.Max() != 0 {
		t.Errorf("a negative duration is recorded as %v", h.Quantile(0.5))
	}
	if e := NewHistogram(); e.Quantile(0.99) != 0 || e.Max() != 0 || e.Mean() != 0 {
		t.Errorf("empty histogram reports non-zero figures")
	}
}

// TestHistogramMerge checks that merging per-worker histograms gives what
// one histogram of all values gives.
func TestHistogramMerge(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	all := NewHistogram()
	parts := []*Histogram{NewHistogram(), NewHistogram(), NewHistogram()}
	for i := range 30_000 {
		v := time.Duration(r.ExpFloat64() * float64((i%3+1)*int(time.Millisecond)))
		all.Record(v)
		parts[i%3].Record(v)
	}
	merged := NewHistogram()
	for _, p := range parts {
		merged.Merge(p)
	}
	if merged.Count() != all.Count() || merged.Max() != all.Max() || (merged.Mean()-all.Mean()).Abs() > 1 {
		t.Errorf("merged count/max/mean %d/%v/%v, want %d/%v/%v", merged.Count(), merged.Max(), merged.Mean(), all.Count(), all.Max(), all.Mean())
	}
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		if merged.Quantile(q) != all.Quantile(q) {
			t.Errorf("merged q%v = %v, want %v", q, merged.Quantile(q), all.Quantile(q))
		}
	}
}
