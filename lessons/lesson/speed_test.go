package lesson_test

import (
	"context"
	"errors"
	"os/exec"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
)

// errNoChildren is what a child process fails with in TestSpeed: a bubble
// of testing/synctest cannot wait for another process.
var errNoChildren = errors.New("no child processes in this test")

type noChildren struct{}

func (noChildren) Command(context.Context, string) *exec.Cmd {
	return &exec.Cmd{Err: errNoChildren}
}

// fakeDuration plays d at speed inside a synctest bubble and returns how
// long it took on the bubble's fake clock: the sum of its sleeps, timers
// and time limits, and nothing else (computing takes no fake time). ok is
// false if the demo needed a child process.
func fakeDuration(t *testing.T, l lesson.Lesson, d lesson.Demo, speed float64) (took time.Duration, ok bool) {
	synctest.Test(t, func(t *testing.T) {
		s := lesson.NewStage(lesson.Options{Speed: speed, Lesson: l.Slug, Spawn: noChildren{}})
		begin := time.Now()
		err := d.Run(context.Background(), s)
		took = time.Since(begin)
		if errors.Is(err, errNoChildren) {
			return
		}
		assert.NoError(t, err, "%s/%s at speed %v", l.Slug, d.Name, speed)
		ok = true
	})
	return took, ok
}

// notInABubble are the demos that cannot run on synctest's fake clock,
// with the reason: the clock advances only when every goroutine of the
// bubble is blocked on a channel, a timer or a sync.WaitGroup, never while
// one spins or waits for a sync.Mutex, an RWMutex or a sync.Once.
var notInABubble = map[string]string{
	"goroutines/all-cores":           "keeps every core busy",
	"deadlock/trylock":               "how many TryLocks fail, so how many back-offs, depends on the schedule",
	"mutex/invariant-locked":         "spins until its sleep ends",
	"mutex/lock-scope":               "waits for a Mutex while its holder sleeps",
	"rwmutex/readers":                "waits for an RWMutex while its holder sleeps",
	"rwmutex/short-critical-section": "waits for an RWMutex while its holder sleeps",
	"once/locked-singleton":          "waits for a Mutex while its holder sleeps",
	"once/once":                      "waits for a sync.Once while it sleeps",
	"once/once-value":                "waits for a sync.Once while it sleeps",
	"patterns/nil-channels":          "spins on a closed channel while its other input sleeps",
	"patterns/starvation":            "spins inside the lock, timing itself with time.Since",
	"patterns/publish":               "its readers spin while the writer sleeps",
	"testing/flaky":                  "races a real 1 ms sleep against 0-2 ms of work: the race is the demo",
	"testing/leaks":                  "goleak retries on its own, unscaled sleeps",
}

// networkLessons serve and dial real sockets: a bubble's clock stands
// still while a goroutine waits on one, so their demos would never end.
var networkLessons = map[string]bool{
	"servers":    true,
	"fileserver": true,
	"httpserver": true,
	"crawler":    true,
}

// TestSpeedStretchesEveryWait plays every demo that can run in this
// process on synctest's fake clock, at speed 1 and at speed 0.25: at 0.25
// every sleep, tick, deadline and watchdog lasts four times as long, so
// the whole demo does. A wait that bypasses the stage (a raw time.Sleep,
// time.After, context.WithTimeout of W) makes the slow run 3W short of
// four times the normal one. The only slack allowed, 2%, is for polling
// loops (sleep, look again), whose number of turns depends on the real
// scheduler; a demo without one matches to the nanosecond.
//
// Left out: demos in a child process (their watchdog is
// TestChildWatchdogIsStretchedAtSlowSpeed's), racy ones (how often the
// lost-update demo retries depends on the race), the network lessons
// (networkLessons), demos that build programs with the go command, and
// notInABubble.
func TestSpeedStretchesEveryWait(t *testing.T) {
	t.Setenv("PATH", "") // no go command: demos that build a program say so instead
	for _, l := range lessons.All() {
		if networkLessons[l.Slug] {
			continue
		}
		for _, d := range l.Demos {
			name := l.Slug + "/" + d.Name
			if d.Racy || d.NeedsRace || notInABubble[name] != "" {
				continue
			}
			t.Run(name, func(t *testing.T) {
				normal, ok := fakeDuration(t, l, d, 1)
				if !ok {
					t.Skip("runs a child process")
				}
				slow, _ := fakeDuration(t, l, d, 0.25)
				assert.InDelta(t, float64(4*normal), float64(slow), 0.02*float64(4*normal),
					"at speed 0.25 the demo should wait four times as long as at speed 1 (%v), but waited %v (%.3fx): a wait bypasses Stage.Sleep, Scale or Limit",
					normal, slow, float64(slow)/float64(max(normal, 1)))
				t.Logf("speed 1: %v of waiting; speed 0.25: %v", normal, slow)
			})
		}
	}
}
