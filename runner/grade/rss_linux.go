package grade

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// watchMemory kills any test binary (a process whose command ends in
// ".test") of process group pgid whose resident memory goes past limit
// bytes (limit), until ctx ends, and records which: the in-binary watchdog cannot
// always run in time (a million goroutines starve its timer), and memory
// is what takes a grading machine down. It returns, per test binary's
// file name (e.g. "04-transfer.test"), what was seen.
func watchMemory(ctx context.Context, pgid int, limit uint64) func() map[string]string {
	var mu sync.Mutex
	killed := map[string]string{}
	peak := map[int]uint64{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		page := uint64(os.Getpagesize())
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
			dirs, _ := os.ReadDir("/proc")
			for _, d := range dirs {
				pid, err := strconv.Atoi(d.Name())
				if err != nil {
					continue
				}
				stat, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
				if err != nil {
					continue
				}
				// pid (comm) state ppid pgrp ...: comm may hold spaces.
				i := bytes.LastIndexByte(stat, ')')
				if i < 0 {
					continue
				}
				f := strings.Fields(string(stat[i+1:]))
				if len(f) < 22 {
					continue
				}
				if g, _ := strconv.Atoi(f[2]); g != pgid {
					continue
				}
				rss, _ := strconv.ParseUint(f[21], 10, 64)
				rss *= page
				peak[pid] = max(peak[pid], rss)
				if rss <= limit {
					continue
				}
				cmd, _ := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
				exe, _, _ := bytes.Cut(cmd, []byte{0})
				name := filepath.Base(string(exe))
				if !strings.HasSuffix(name, ".test") {
					continue
				}
				_ = syscall.Kill(pid, syscall.SIGKILL)
				mu.Lock()
				killed[name] = fmt.Sprintf("stopped: the test binary reached %d MiB of memory, more than the %d MiB a test may use", rss>>20, limit>>20)
				mu.Unlock()
			}
		}
	}()
	return func() map[string]string {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return killed
	}
}
