package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat:
// 100 on every Linux ABI (see proc(5)).
const clockTicks = 100

// procSample is one reading of a process's counters.
type procSample struct {
	at    time.Time
	cpu   time.Duration // utime + stime
	rss   int64         // VmRSS, bytes
	hwm   int64         // VmHWM, bytes
	valid bool
}

// readProc reads /proc/<pid>/stat and /proc/<pid>/status.
func readProc(pid int) (procSample, error) {
	s := procSample{at: time.Now()}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, err
	}
	// The command name, field 2, is in parentheses and may hold spaces;
	// fields after it are space-separated. utime and stime are fields 14, 15.
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return s, fmt.Errorf("loadgen: /proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(stat[end+1:]))
	if len(f) < 13 {
		return s, fmt.Errorf("loadgen: /proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return s, fmt.Errorf("loadgen: /proc/%d/stat: bad utime or stime", pid)
	}
	s.cpu = time.Duration(utime+stime) * time.Second / clockTicks
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return s, fmt.Errorf("loadgen: /proc/%d/status: %s: %v", pid, k, err)
		}
		if k == "VmRSS" {
			s.rss = kb << 10
		} else {
			s.hwm = kb << 10
		}
	}
	s.valid = true
	return s, nil
}

// ProcStats is what sampling a process during the measured window found.
type ProcStats struct {
	PID int `json:"pid"`
	// CPUCores is the CPU time (user + system) the process used per second
	// of the window: 1.5 means one and a half cores busy on average.
	CPUCores float64 `json:"cpu_cores"`
	// CPUSeconds is the CPU time used in the window, in seconds.
	CPUSeconds float64 `json:"cpu_seconds"`
	// PeakRSSMiB is the largest resident set size sampled in the window.
	PeakRSSMiB float64 `json:"peak_rss_mib"`
	// HighWaterMiB is the kernel's peak resident set size (VmHWM) at the end:
	// the peak over the process's life, including before the run.
	HighWaterMiB float64 `json:"high_water_mib"`
	// Samples is how many readings the figures come from.
	Samples int `json:"samples"`
}

// sampler reads a process's counters every interval until stopped.
type sampler struct {
	pid      int
	interval time.Duration
	mu       sync.Mutex
	first    procSample
	last     procSample
	peak     int64
	n        int
	err      error
	stop     context.CancelFunc
	done     chan struct{}
}

// startSampler takes a first reading now, then one every interval. It fails
// when the process cannot be read.
func startSampler(pid int, interval time.Duration) (*sampler, error) {
	s0, err := readProc(pid)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	sm := &sampler{pid: pid, interval: interval, first: s0, last: s0, peak: s0.rss, n: 1, stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(sm.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				sm.take()
			}
		}
	}()
	return sm, nil
}

func (sm *sampler) take() {
	s, err := readProc(sm.pid)
	sm.mu.Lock()
	defer sm.mu.Unlock()
	if err != nil {
		sm.err = cmpOr(sm.err, err)
		return
	}
	sm.last = s
	sm.peak = max(sm.peak, s.rss)
	sm.n++
}

// finish takes a last reading, stops and returns the figures.
func (sm *sampler) finish() (*ProcStats, error) {
	sm.stop()
	<-sm.done
	sm.take()
	sm.mu.Lock()
	defer sm.mu.Unlock()
	if !sm.last.valid || sm.n < 2 {
		return nil, cmpOr(sm.err, fmt.Errorf("loadgen: process %d: too few samples", sm.pid))
	}
	cpu := sm.last.cpu - sm.first.cpu
	wall := sm.last.at.Sub(sm.first.at)
	st := &ProcStats{
		PID:          sm.pid,
		CPUSeconds:   cpu.Seconds(),
		PeakRSSMiB:   float64(sm.peak) / (1 << 20),
		HighWaterMiB: float64(sm.last.hwm) / (1 << 20),
		Samples:      sm.n,
	}
	if wall > 0 {
		st.CPUCores = cpu.Seconds() / wall.Seconds()
	}
	return st, nil
}
