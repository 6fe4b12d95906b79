package testcode

import (
	"context"
	"regexp"
	"strings"

	"github.com/conclab/conclab/lessons/lesson"
)

// raceCountCPU runs the test of a racy counter (hitsCode) with
// -count=10 -cpu 1,4, then once with -race.
func raceCountCPU(ctx context.Context, s *lesson.Stage) error {
	s.Say("A counter without a lock, and a test that adds 4,000,000 hits from 4 goroutines.")
	files := map[string]string{"hits.go": hitsCode, "hits_test.go": hitsTest}
	s.Heading("-count=10 -cpu 1,4: ten runs on one thread, ten on four")
	out, _, err := goTool(ctx, s, files, nil, "test", "-count=10", "-cpu", "1,4", "-v", ".")
	if err == errNoGo {
		return noGo(s, "go test")
	} else if err != nil {
		return err
	}
	// go test -cpu 1,4 runs all the GOMAXPROCS 1 runs first, then the
	// GOMAXPROCS 4 ones, under the same test name.
	runs := regexp.MustCompile(`(?m)^--- (PASS|FAIL): TestHits `).FindAllStringSubmatch(out, -1)
	var passed, failed [2]int // by -cpu value: 1, 4
	for i, r := range runs {
		cpu := min(i/10, 1)
		if r[1] == "PASS" {
			passed[cpu]++
		} else {
			failed[cpu]++
		}
	}
	s.Say("  GOMAXPROCS 1: passed %d, failed %d", passed[0], failed[0])
	s.Say("  GOMAXPROCS 4: passed %d, failed %d", passed[1], failed[1])
	s.Finding("plain-runs", float64(len(runs)), "of 20")
	s.Finding("plain-failed-cpu1", float64(failed[0]), "of 10")
	s.Finding("plain-failed-cpu4", float64(failed[1]), "of 10")

	if err := s.Pause(ctx, "and with -race, once?"); err != nil {
		return err
	}
	s.Heading("-race -count=1")
	out, code, err := goTool(ctx, s, files, nil, "test", "-race", "-count=1", ".")
	if err != nil {
		return err
	}
	show(s, "go test -race", out, func(l string) bool {
		return strings.Contains(l, "DATA RACE") || strings.Contains(l, "hits.go") || strings.Contains(l, "race detected")
	}, 8)
	s.Finding("race-reported", b2f(code != 0 && strings.Contains(out, "WARNING: DATA RACE")), "")
	s.Say("Without the detector, whether updates are lost depends on the schedule: on one")
	s.Say("thread only a preemption between load and store loses one; on four it depends on")
	s.Say("how much the goroutines really overlap, which a busy machine changes from run to")
	s.Say("run. A test that passed ten times proves little. -count repeats, -cpu varies")
	s.Say("GOMAXPROCS; -race reports the unsynchronized accesses themselves, on any run that")
	s.Say("makes them, lucky or not.")
	return nil
}

// hitsCode counts hits without a lock; its test adds from 4 goroutines.
const hitsCode = `package demo

type Hits struct{ n int }

func (h *Hits) Add() { h.n++ } // load, add, store: not atomic

func (h *Hits) Value() int { return h.n }
`

const hitsTest = `package demo

import (
	"sync"
	"testing"
)

func TestHits(t *testing.T) {
	var h Hits
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			<-start // all four begin together
			for range 1_000_000 {
				h.Add()
			}
		})
	}
	close(start)
	wg.Wait()
	if h.Value() != 4_000_000 {
		t.Fatalf("lost %d of 4,000,000 hits", 4_000_000-h.Value())
	}
}
`
