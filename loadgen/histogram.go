package loadgen

import (
	"math"
	"math/bits"
	"time"
)

// histogramBits is the number of mantissa bits a Histogram keeps: a bucket is
// at most 1/2^histogramBits (0.78%) of its values wide, and a quantile is
// reported as its bucket's midpoint, so within 0.4% of the recorded value.
const histogramBits = 7

const (
	subBuckets = 1 << histogramBits
	// numBuckets covers every non-negative int64: values below subBuckets
	// are exact, and each further power of two has subBuckets buckets.
	numBuckets = (64 - histogramBits) * subBuckets
)

// A Histogram records durations in log-linear buckets (the HdrHistogram
// layout with 7 significant bits): relative error at most 0.4%, a fixed 58 KiB
// whatever the range, from 1ns to the largest time.Duration. It is not safe
// for concurrent use: give each worker its own and Merge them at the end,
// which keeps locks out of the hot path. The zero value is not usable; call
// NewHistogram.
type Histogram struct {
	counts []uint64
	n      uint64
	sum    float64 // nanoseconds
	min    int64
	max    int64
}

// NewHistogram returns an empty Histogram.
func NewHistogram() *Histogram {
	return &Histogram{counts: make([]uint64, numBuckets), min: math.MaxInt64}
}

// bucketOf returns the bucket index of v >= 0.
func bucketOf(v int64) int {
	if v < subBuckets {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - 1 - histogramBits
	return (shift+1)*subBuckets + int(v>>shift) - subBuckets
}

// bucketRange returns the smallest value of bucket i and its width.
func bucketRange(i int) (low, width int64) {
	if i < 2*subBuckets {
		return int64(i), 1
	}
	shift := i/subBuckets - 1
	return int64(subBuckets+i%subBuckets) << shift, 1 << shift
}

// Record adds one duration; negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := max(int64(d), 0)
	h.counts[bucketOf(v)]++
	h.n++
	h.sum += float64(v)
	h.min = min(h.min, v)
	h.max = max(h.max, v)
}

// Merge adds every value recorded in o to h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.min = min(h.min, o.min)
	h.max = max(h.max, o.max)
}

// Count returns the number of recorded values.
func (h *Histogram) Count() uint64 { return h.n }

// Max returns the largest recorded value exactly, or 0 when empty.
func (h *Histogram) Max() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.max)
}

// Mean returns the mean of the recorded values, or 0 when empty.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

// Quantile returns the value at quantile q (0 to 1): the smallest recorded
// value v such that at least q of the values are <= v, within the relative
// error of the buckets and clamped to the exact minimum and maximum. It
// returns 0 when the histogram is empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			low, width := bucketRange(i)
			v := low + (width-1)/2
			return time.Duration(min(max(v, h.min), h.max))
		}
	}
	return time.Duration(h.max)
}
