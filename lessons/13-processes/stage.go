package processes

// The stage plumbing this lesson's demos share: the time bound on every
// child, the children several demos start (sleeper, noop), and yes-or-no
// findings. The demos' stories are in their own files (exitcodes.go,
// zombie_linux.go, orphan_unix.go, isolation.go, pipe.go,
// signals_unix.go, primes.go).

import (
	"context"
	"errors"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// safety bounds every wait for a child in real time (stretched, never
// shortened, by Stage.Limit), so that no demo can hang however loaded
// the machine; children that wait to be killed give up after it too.
const safety = 10 * time.Second

// sleeper waits to be killed, and gives up after safety so that a
// child nobody killed cannot outlive the demo for long.
func sleeper(ctx context.Context, s *lesson.Stage) error {
	s.Say("sleeping until killed")
	select {
	case <-time.After(s.Limit(safety)):
		return errors.New("nobody killed me")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// noop is a child that exits at once: the cost of a process and nothing
// else.
func noop(context.Context, *lesson.Stage) error { return nil }

// boolFinding is a yes-or-no finding: 1 for yes, 0 for no.
func boolFinding(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
