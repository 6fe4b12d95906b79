package grade_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTestBinaryDiesWithTheGrader: a grader killed with SIGKILL (no
// chance to clean up) takes go test and the test binary with it, even
// while the learner's init never returns (the clock watches the parent
// before any learner code runs).
func TestTestBinaryDiesWithTheGrader(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a submission under -race")
	}
	sub := t.TempDir()
	submit(t, sub, find(t, "counter"), map[string]string{"counter.go": hostileCounter(`var spin = make(chan int, 1)

func init() {
	for {
		select {
		case spin <- 1:
		case <-spin:
		}
	}
}`)})
	grader := exec.Command(os.Args[0], "-test.run=^$")
	grader.Env = append(os.Environ(), gradeChildEnv+"="+sub)
	require.NoError(t, grader.Start())
	waited := make(chan struct{})
	go func() { _ = grader.Wait(); close(waited) }()
	t.Cleanup(func() { _ = grader.Process.Kill(); <-waited })

	// Wait for the test binary to run (the build may take a while).
	var binaries []int
	deadline := time.Now().Add(3 * time.Minute)
	for len(binaries) == 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		binaries = descendantsNamed(t, grader.Process.Pid, "01-counter.test")
	}
	require.NotEmpty(t, binaries, "the graded test binary never started")
	time.Sleep(time.Second) // into the learner's init, which never returns
	require.NoError(t, grader.Process.Signal(syscall.SIGKILL))
	<-waited

	gone := time.Now().Add(5 * time.Second)
	for time.Now().Before(gone) && alive(binaries) {
		time.Sleep(100 * time.Millisecond)
	}
	assert.False(t, alive(binaries), "the test binary %v outlived the grader killed with SIGKILL by 5 s", binaries)
	for _, pid := range binaries {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// descendantsNamed lists the processes under pid whose executable's name
// is name.
func descendantsNamed(t *testing.T, pid int, name string) []int {
	t.Helper()
	parent := map[int]int{}
	exe := map[int]string{}
	dirs, err := os.ReadDir("/proc")
	require.NoError(t, err)
	for _, d := range dirs {
		p, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at
		// the last parenthesis.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 {
			continue
		}
		parent[p], _ = strconv.Atoi(fields[1])
		if cmd, err := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline")); err == nil {
			first, _, _ := bytes.Cut(cmd, []byte{0})
			exe[p] = filepath.Base(string(first))
		}
	}
	var found []int
	for p, n := range exe {
		if n != name {
			continue
		}
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				found = append(found, p)
				break
			}
		}
	}
	return found
}

// alive reports whether any of pids is still running (not a zombie).
func alive(pids []int) bool {
	for _, p := range pids {
		stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p), "stat"))
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(stat, ')')
		if i >= 0 && i+2 < len(stat) && stat[i+2] != 'Z' {
			return true
		}
	}
	return false
}
