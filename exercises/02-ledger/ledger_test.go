package ledger_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	ledger "github.com/conclab/conclab/exercises/02-ledger"
)

// TestMain fails the run if any goroutine is still alive after the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// deadline bounds every test; a correct ledger needs a small fraction of
// it even on a loaded machine under -race.
const deadline = 3 * time.Second

// within runs body in its own goroutine and fails the test if body has not
// returned after d, so that a deadlocked ledger fails with an explanation
// instead of hanging the whole run. Under the grader's watchdog it waits
// for as long as body takes: see guardTimeout.
func within(t *testing.T, d time.Duration, what string, body func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		body()
	}()
	select {
	case <-done:
	case <-guardTimeout(d):
		t.Fatalf("deadlock or livelock: %s did not finish within %v; "+
			"does a method lock the mutex while it already holds it (Move calling Audit)?", what, d)
	}
}

// guardTimeout returns the channel on which a deadlock guard gives up: it
// receives once d has passed. Under conclab's grader, which sets
// CONCLAB_WATCHDOG, it returns nil, a channel that never receives, so the
// guard waits for its body with no timer at all. The grader's watchdog
// reads the runtime's goroutine leak profile, which proves a deadlock the
// moment it forms by finding goroutines that nothing still able to run
// could ever wake. A guard waiting on a timer can still be woken, so
// everything it references (the body's locks, channels and WaitGroups)
// would stay reachable and hide the goroutines stuck on them from that
// proof until the deadline. The exercise's time limit still ends a run
// that hangs for any other reason.
func guardTimeout(d time.Duration) <-chan time.Time {
	if os.Getenv("CONCLAB_WATCHDOG") != "" {
		return nil
	}
	return time.After(d)
}

func TestMoveAndAudit(t *testing.T) {
	within(t, deadline, "Move and Audit from one goroutine", func() {
		l := ledger.New(100, 50)
		a, b := l.Audit()
		assert.Equal(t, [2]int64{100, 50}, [2]int64{a, b}, "New(100, 50) then Audit: want A=100 B=50")

		assert.NoError(t, l.Move(30), "Move(30) with 100 in A")
		a, b = l.Audit()
		assert.Equal(t, [2]int64{70, 80}, [2]int64{a, b}, "Move(30) must take 30 from A and give it to B")

		assert.NoError(t, l.Move(-80), "Move(-80) with 80 in B")
		a, b = l.Audit()
		assert.Equal(t, [2]int64{150, 0}, [2]int64{a, b}, "Move(-80) must take 80 from B and give it to A")

		assert.ErrorIs(t, l.Move(151), ledger.ErrInsufficientFunds, "Move(151) with only 150 in A")
		assert.ErrorIs(t, l.Move(-1), ledger.ErrInsufficientFunds, "Move(-1) with 0 in B")
		assert.NoError(t, l.Move(0), "Move(0) moves nothing and is not an error")
		a, b = l.Audit()
		assert.Equal(t, [2]int64{150, 0}, [2]int64{a, b}, "a refused Move must change nothing")
	})
}

func TestAuditNeverSeesHalfAMove(t *testing.T) {
	const movers, auditors, moves = 4, 4, 2000
	const startA, startB = 1000, 1000
	l := ledger.New(startA, startB)
	a0, b0 := l.Audit()
	require.Equal(t, [2]int64{startA, startB}, [2]int64{a0, b0},
		"New(%d, %d) then Audit, before any Move: the ledger must hold its starting balances", startA, startB)
	var (
		moved    [movers]int64 // what each mover moved from A to B
		stop     atomic.Bool
		audits   atomic.Int64
		mu       sync.Mutex
		broken   []string // the first few broken audits seen
		nBroken  int
		start    = make(chan struct{})
		movingWG sync.WaitGroup
		auditWG  sync.WaitGroup
	)
	within(t, deadline, "4 goroutines moving money while 4 others audit", func() {
		for m := range movers {
			movingWG.Add(1)
			go func() {
				defer movingWG.Done()
				r := rand.New(rand.NewPCG(uint64(m), 2))
				<-start
				for range moves {
					n := r.Int64N(101) - 50
					if l.Move(n) == nil {
						moved[m] += n
					}
				}
			}()
		}
		// The auditors are already auditing when the movers start: each
		// signals after its first audit. Waiting on a shared start instead
		// let a busy scheduler run every move before any audit.
		var auditing sync.WaitGroup
		for range auditors {
			auditWG.Add(1)
			auditing.Add(1)
			go func() {
				defer auditWG.Done()
				for first := true; first || !stop.Load(); first = false {
					a, b := l.Audit()
					audits.Add(1)
					if a+b != startA+startB || a < 0 || b < 0 {
						mu.Lock()
						if nBroken++; len(broken) < 3 {
							broken = append(broken, fmt.Sprintf("A=%d B=%d (A+B=%d)", a, b, a+b))
						}
						mu.Unlock()
					}
					if first {
						auditing.Done()
					}
				}
			}()
		}
		auditing.Wait()
		close(start)
		movingWG.Wait()
		stop.Store(true)
		auditWG.Wait()
	})
	require.Positive(t, audits.Load(), "the auditors never ran")
	assert.Zero(t, nBroken,
		"%d of %d audits saw a broken ledger while moves ran, e.g. %v; the money always totals %d, "+
			"so an audit caught a Move half-way: A changed but B not yet. "+
			"Both balances must change under one lock, and Audit must read both under it",
		nBroken, audits.Load(), broken, startA+startB)
	var total int64
	for _, m := range moved {
		total += m
	}
	a, b := l.Audit()
	assert.Equal(t, [2]int64{startA - total, startB + total}, [2]int64{a, b},
		"the successful moves add up to %d from A to B; the final balances do not match", total)
}

// TestAuditBetweenTheHalvesOfAMove stages the audit that
// TestAuditNeverSeesHalfAMove waits to happen upon: a Move in each
// direction is stopped after its first unlock, and an Audit runs right
// there. It runs in a synctest bubble with gaps on (see
// TestEveryMoveIsOneStep): under conclab's grader each unlock that leaves
// the mover holding no lock sleeps for a gap of the bubble's clock. The
// mover starts while gaps are 30ns long, and the audit runs once the
// mover sleeps, while gaps are 10ns long: it returns before the mover
// wakes. A Move that takes from one side, unlocks, and pays the other
// under a second lock (or one lock per balance) is caught between the
// halves in every run; a Move that changes both under one lock has no
// such unlock, and every audit sees the money whole.
func TestAuditBetweenTheHalvesOfAMove(t *testing.T) {
	for _, n := range []int64{30, -30} {
		t.Run(fmt.Sprintf("Move(%d)", n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const startA, startB = 100, 100
				l := ledger.New(startA, startB)
				t.Setenv("CONCLAB_GAPS", "30ns")
				moved := make(chan error, 1)
				go func() { moved <- l.Move(n) }()
				synctest.Wait() // the mover sleeps in a gap, or has returned
				t.Setenv("CONCLAB_GAPS", "10ns")
				a, b := l.Audit()
				assert.Equal(t, int64(startA+startB), a+b,
					"an Audit while Move(%d) ran saw A=%d B=%d (A+B=%d, not %d): it caught the move half-way, "+
						"between taking from one side and paying the other. "+
						"Change both balances under one lock, without unlocking in between", n, a, b, a+b, startA+startB)
				require.NoError(t, <-moved, "Move(%d) with A=%d, B=%d", n, startA, startB)
				a, b = l.Audit()
				assert.Equal(t, [2]int64{startA - n, startB + n}, [2]int64{a, b}, "the balances after Move(%d)", n)
			})
		})
	}
}

func TestNoOverdraftUnderContention(t *testing.T) {
	const spenders = 50
	l := ledger.New(100, 0)
	var ok, refused atomic.Int64
	within(t, deadline, "50 goroutines each moving 3 out of an A of 100", func() {
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range spenders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				switch err := l.Move(3); {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, ledger.ErrInsufficientFunds):
					refused.Add(1)
				default:
					t.Errorf("Move(3) returned %v; want nil or ErrInsufficientFunds", err)
				}
			}()
		}
		close(start)
		wg.Wait()
	})
	assert.Equal(t, int64(33), ok.Load(),
		"100 in A pays exactly 33 moves of 3; %d succeeded: the check and the move must happen under the same lock", ok.Load())
	assert.Equal(t, int64(17), refused.Load(), "the 17 moves that do not fit must return ErrInsufficientFunds")
	a, b := l.Audit()
	assert.Equal(t, [2]int64{1, 99}, [2]int64{a, b}, "after 33 moves of 3, A must hold 1 and B 99")
}

// TestEveryMoveIsOneStep: goroutines each move the whole of A at once;
// exactly one of them can be paid. It runs in a synctest bubble with
// CONCLAB_GAPS=1: under conclab's grader, each unlock in the ledger then
// waits until every other goroutine has reached its own next step, so a
// Move that checks the funds under the lock, unlocks, and locks again to
// move them lets every mover pass the check before any moves, in every
// run. (Without the grader, in a plain go test, the test still holds a
// correct ledger to the same answer.)
func TestEveryMoveIsOneStep(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		const movers, whole = 10, 100
		l := ledger.New(whole, 0)
		var ok, refused atomic.Int64
		var wg sync.WaitGroup
		for range movers {
			wg.Go(func() {
				switch err := l.Move(whole); {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, ledger.ErrInsufficientFunds):
					refused.Add(1)
				default:
					t.Errorf("Move(%d) returned %v; want nil or ErrInsufficientFunds", whole, err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int64(1), ok.Load(),
			"%d goroutines each moved all %d of A and %d succeeded; only one can be paid. "+
				"Did Move check the funds, unlock, then lock again to move them? "+
				"Between the two, the others checked the same money: check and move under one lock",
			movers, whole, ok.Load())
		assert.Equal(t, int64(movers-1), refused.Load(), "the moves that cannot be paid must return ErrInsufficientFunds")
		a, b := l.Audit()
		assert.Equal(t, [2]int64{0, whole}, [2]int64{a, b}, "after one move of the whole of A, A must hold 0 and B %d", whole)
	})
}
