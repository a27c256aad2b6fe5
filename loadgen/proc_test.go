package loadgen

import (
	"crypto/sha256"
	"os"
	"runtime"
	"testing"
	"time"
)

// TestProcSampling samples this test's own process while it burns CPU.
func TestProcSampling(t *testing.T) {
	s0, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s0.rss <= 0 || s0.hwm < s0.rss {
		t.Errorf("VmRSS %d, VmHWM %d", s0.rss, s0.hwm)
	}
	sm, err := startSampler(os.Getpid(), 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
		sha256.Sum256(buf)
	}
	st, err := sm.finish()
	if err != nil {
		t.Fatal(err)
	}
	// One goroutine spinning for 0.3s: about one core, measured in 10ms ticks.
	if st.CPUCores < 0.05 || st.CPUCores > float64(2*runtime.NumCPU()) || st.CPUSeconds <= 0 {
		t.Errorf("CPU %.2f cores, %.2fs; want about one core", st.CPUCores, st.CPUSeconds)
	}
	if st.PeakRSSMiB < 1 || st.HighWaterMiB < st.PeakRSSMiB*0.99 || st.Samples < 5 || st.PID != os.Getpid() {
		t.Errorf("stats %+v", st)
	}
	if _, err := readProc(-1); err == nil {
		t.Error("reading process -1 succeeded")
	}
}
