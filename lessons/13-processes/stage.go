package processes

// The stage plumbing this lesson's demos share: the time bound on every
// child, the children several demos start (sleeper, noop), yes-or-no
// findings, reading the isolation demo's children and timing the primes
// demo's runs. The demos' stories are in their own files (exitcodes.go,
// zombie_linux.go, orphan_unix.go, isolation.go, pipe.go,
// signals_unix.go, primes.go).

import (
	"context"
	"errors"
	"fmt"
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

// childCounters reads what the isolation demo's children printed (seen,
// or the error in errs), shows the first few and the last on lane, and
// returns the lowest and highest counter a child saw.
func childCounters(lane *lesson.Lane, seen []string, errs []error) (lowest, highest int, err error) {
	lowest, highest = len(seen)+1, -1
	for i := range seen {
		if errs[i] != nil {
			return 0, 0, fmt.Errorf("child %d: %w", i+1, errs[i])
		}
		var pid, n int
		if _, err := fmt.Sscanf(seen[i], "pid %d: counter = %d", &pid, &n); err != nil {
			return 0, 0, fmt.Errorf("child %d said %q", i+1, seen[i])
		}
		lowest, highest = min(lowest, n), max(highest, n)
		if i < 3 || i == len(seen)-1 {
			lane.Printf("child %d: %s", i+1, seen[i])
		} else if i == 3 {
			lane.Printf("...")
		}
	}
	return lowest, highest, nil
}

// primeRuns times the primes demo's runs and checks that they agree.
type primeRuns struct {
	s     *lesson.Stage
	lane  *lesson.Lane
	found map[int]bool // every count of primes a run returned
	agree int          // runs that agreed with every run before them
}

// run runs count, one run of kind with n workers, and records how long
// it took and what it found.
func (r *primeRuns) run(ctx context.Context, kind string, n int, count func() (int, error)) error {
	begin := time.Now()
	c, err := count()
	if err != nil {
		return err
	}
	took := time.Since(begin)
	if err := ctx.Err(); err != nil {
		return err
	}
	r.lane.Printf("%2d %-10s %s primes in %v", n, kind, lesson.Number(float64(c)), took.Round(time.Millisecond))
	r.s.FindingDuration(fmt.Sprintf("%s-%d-ms", kind, n), took)
	if r.found == nil {
		r.found = map[int]bool{}
	}
	r.found[c] = true
	if len(r.found) == 1 {
		r.agree++
	}
	return nil
}

// record finds the count of primes (one finding per distinct count: more
// than one means the runs disagreed) and how many runs agreed.
func (r *primeRuns) record() {
	for c := range r.found {
		r.s.Finding("primes", float64(c), "")
	}
	r.s.Finding("runs-agreeing", float64(r.agree), "of 6")
}
