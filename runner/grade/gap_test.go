package grade_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
)

// gapsOn is an exercise whose learner files get gaps.
var gapsOn = exercises.Exercise{Number: 99, Slug: "gaptest", Files: []string{"bank.go"}, Gaps: true}

// gapBank is a learner's file with every form of lock Gapped handles, in
// code that must still work: a split critical section (Take), a correct
// one (TakeOnce) and locks nested in each other (Nested).
const gapBank = `package gaptest

import (
	"sync"
	"sync/atomic"
)

// Bank holds one balance.
type Bank struct {
	mu sync.Mutex
	rw sync.RWMutex
	a  int
}

// New returns a bank holding a.
func New(a int) *Bank { return &Bank{a: a} }

// Take checks the balance and takes n from it in two critical sections.
func (b *Bank) Take(n int) bool {
	b.mu.Lock()
	ok := b.a >= n // a comment after a lock
	b.mu.Unlock()
	if !ok {
		return false
	}
	b.mu.Lock(); defer b.mu.Unlock()
	b.a -= n
	return true
}

// TakeOnce checks and takes in one.
func (b *Bank) TakeOnce(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.a < n {
		return false
	}
	b.a -= n
	return true
}

// Nested takes mu while it holds rw for writing.
func (b *Bank) Nested() int {
	b.rw.Lock()
	defer b.rw.Unlock()
	b.mu.Lock()
	a := b.a
	b.mu.Unlock()
	return a
}

// MoveSplit moves n from b to to, holding to's lock throughout and b's
// in two sections: the check in one, the move in the other.
func (b *Bank) MoveSplit(to *Bank, n int) bool {
	to.mu.Lock()
	defer to.mu.Unlock()
	b.mu.Lock()
	ok := b.a >= n
	b.mu.Unlock()
	if !ok {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.a -= n
	to.a += n
	return true
}

// MoveOnce moves n from b to to in one section, b's lock taken first.
func (b *Bank) MoveOnce(to *Bank, n int) bool {
	m := &b.mu
	m.Lock()
	defer m.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	if b.a < n {
		return false
	}
	b.a -= n
	to.a += n
	return true
}

// Balance returns the balance.
func (b *Bank) Balance() int {
	var l sync.Locker = &b.mu
	l.Lock()
	defer l.Unlock()
	return b.a
}

var lastID atomic.Int64

// NextID hands out a number in two steps: a load, then a store.
func NextID() int64 {
	n := lastID.Load() + 1
	lastID.Store(n)
	return n
}

// Read reads under rw, in every kind of statement list.
func (b *Bank) Read(ch chan int) int {
	done := make(chan int, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); b.rw.RLock(); done <- b.a; b.rw.RUnlock() }()
	wg.Wait()
	v := 0
	select {
	case v = <-done:
		b.rw.RLock()
		b.rw.RUnlock()
	case <-ch:
	}
	switch {
	case v > 0:
	again:
		b.rw.RLock()
		v = b.a
		b.rw.RUnlock()
		if v < 0 {
			goto again
		}
	}
	return v
}
`

// gapBankTest tests gapBank's package through the gaps: in a synctest
// bubble each gap is a nanosecond of the fake clock.
const gapBankTest = `package gaptest_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"gaptest"
)

func takers(take func(int) bool) int64 {
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if take(100) {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	return ok.Load()
}

// Every taker passes the split section's check before any takes.
func TestSplitSectionIsSeenByAll(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		if got := takers(gaptest.New(100).Take); got != 10 {
			t.Errorf("%d of 10 took the whole balance with the gaps on; want all 10", got)
		}
	})
}

func TestOneSectionIsSeenByOne(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		if got := takers(gaptest.New(100).TakeOnce); got != 1 {
			t.Errorf("%d of 10 took the whole balance; want 1", got)
		}
	})
}

// A gap is a nanosecond of the bubble's clock: Take has two (after its
// unlock and its deferred unlock), Nested one (not while it holds rw,
// or the other goroutines waiting for rw would hang the bubble).
func TestGapsOpenOnlyWithNoLockHeld(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		b := gaptest.New(100)
		start := time.Now()
		b.Take(1)
		if d := time.Since(start); d != 2*time.Nanosecond {
			t.Errorf("Take took %v of the fake clock; want 2 gaps of 1ns", d)
		}
		start = time.Now()
		b.Nested()
		if d := time.Since(start); d != time.Nanosecond {
			t.Errorf("Nested took %v of the fake clock; want 1 gap of 1ns", d)
		}
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() { b.Nested() })
		}
		wg.Wait()
		if got := b.Read(make(chan int)); got != 99 {
			t.Errorf("Read = %d, want 99", got)
		}
	})
}

// CONCLAB_GAPS may give the gaps' length.
func TestGapsLastAsLongAsAsked(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "30ns")
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		gaptest.New(100).Take(1)
		if d := time.Since(start); d != 60*time.Nanosecond {
			t.Errorf("Take took %v of the fake clock; want 2 gaps of 30ns", d)
		}
	})
}

// With CONCLAB_GAPS_HELD, a section split inside another lock opens a
// gap too: a taker started while MoveSplit sleeps in it takes the
// balance that MoveSplit checked, and MoveSplit then overdraws.
func TestHeldGapsOpenInsideLocks(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	t.Setenv("CONCLAB_GAPS_HELD", "1")
	synctest.Test(t, func(t *testing.T) {
		from, to := gaptest.New(100), gaptest.New(0)
		var wg sync.WaitGroup
		wg.Go(func() { from.MoveSplit(to, 100) })
		synctest.Wait() // MoveSplit sleeps in the gap after its check
		wg.Go(func() { from.TakeOnce(100) })
		wg.Wait()
		if got := from.Balance(); got != -100 {
			t.Errorf("balance %d after a split move and a take; want -100, the take in the gap", got)
		}
	})
}

// Waits for a lock held by a goroutine asleep in a held gap are durable:
// the bubble's clock moves, and the waiter goes on once the lock is free.
func TestHeldGapsWaitDurably(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	t.Setenv("CONCLAB_GAPS_HELD", "1")
	synctest.Test(t, func(t *testing.T) {
		from, to := gaptest.New(100), gaptest.New(0)
		var moved, took bool
		var wg sync.WaitGroup
		wg.Go(func() { moved = from.MoveOnce(to, 100) })
		synctest.Wait() // MoveOnce sleeps in a gap, holding from's lock
		wg.Go(func() { took = from.TakeOnce(100) })
		wg.Wait()
		if !moved || took || from.Balance() != 0 || to.Balance() != 100 {
			t.Errorf("moved %v, took %v, balances %d and %d; want the move alone, 0 and 100", moved, took, from.Balance(), to.Balance())
		}
		var rw sync.WaitGroup
		for range 5 {
			rw.Go(func() { from.Nested(); from.Read(make(chan int)) })
		}
		rw.Wait()
	})
}

// With CONCLAB_GAPS_LOADS, a gap opens after each atomic load: every
// goroutine loads before any stores.
func TestGapsAfterLoads(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	t.Setenv("CONCLAB_GAPS_LOADS", "1")
	synctest.Test(t, func(t *testing.T) {
		var ids sync.Map
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() { ids.Store(gaptest.NextID(), true) })
		}
		wg.Wait()
		n := 0
		ids.Range(func(any, any) bool { n++; return true })
		if n != 1 {
			t.Errorf("10 goroutines got %d different numbers; want 1, every load before any store", n)
		}
	})
}

// Without CONCLAB_GAPS, or outside a bubble, no gap opens.
func TestNoGapsUnlessAsked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		gaptest.New(100).Take(1)
		if d := time.Since(start); d != 0 {
			t.Errorf("Take took %v of the fake clock without CONCLAB_GAPS; want no gap", d)
		}
	})
	t.Setenv("CONCLAB_GAPS", "1")
	if got := takers(gaptest.New(100).TakeOnce); got != 1 {
		t.Errorf("%d of 10 took the whole balance outside a bubble; want 1", got)
	}
}
`

// heldTake matches the durable take Gapped puts around a Lock or RLock
// statement whose lock it can address; $1 is the statement.
var heldTake = regexp.MustCompile(`if conclabGapDurable\(\) \{ conclabGapTake\(&[^,]+, (?:true|false)\) \} else \{ ([^}]*) \}`)

// gapAfterLoad matches the call Gapped puts around an atomic load.
var gapAfterLoad = regexp.MustCompile(`conclabGapAfter\(([a-zA-Z.]*\(\))\)`)

func TestGappedKeepsEveryLine(t *testing.T) {
	out, err := grade.Gapped(gapsOn, []byte(gapBank))
	require.NoError(t, err)
	got, want := strings.Split(string(out), "\n"), strings.Split(gapBank, "\n")
	require.Len(t, got, len(want), "Gapped must not add or remove lines:\n%s", out)
	calls := 0
	for i := range want {
		calls += strings.Count(got[i], "conclabGap")
		line := heldTake.ReplaceAllString(got[i], "$1")
		line = gapAfterLoad.ReplaceAllString(line, "$1")
		for _, call := range []string{"; conclabGapLock()", "; conclabGapUnlock()", "defer conclabGapUnlock(); "} {
			line = strings.ReplaceAll(line, call, "")
		}
		assert.Equal(t, want[i], line, "line %d, without the calls Gapped inserted, must be the learner's line", i+1)
	}
	// Locks and unlocks: 4 in Take, 2 in TakeOnce, 4 in Nested, 6 in
	// MoveSplit, 4 in MoveOnce, 2 in Balance, 6 in Read; each unlock
	// followed by a call, a deferred unlock preceded by one, and each
	// lock wrapped in a durable take (2 calls) and followed by a call.
	assert.Equal(t, 14*3+14+1, calls, "calls for each of the 14 locks, 14 unlocks and the atomic load:\n%s", out)
	assert.Contains(t, string(out), "\tn := conclabGapAfter(lastID.Load()) + 1\n")
	assert.Contains(t, string(out), "\tif conclabGapDurable() { conclabGapTake(&b.mu, false) } else { b.mu.Lock() }; conclabGapLock()\n\tok := b.a >= n // a comment after a lock\n")
	assert.Contains(t, string(out), "\tif conclabGapDurable() { conclabGapTake(&b.mu, false) } else { b.mu.Lock() }; conclabGapLock(); defer conclabGapUnlock(); defer b.mu.Unlock()\n")
	assert.Contains(t, string(out), "go func() { defer wg.Done(); if conclabGapDurable() { conclabGapTake(&b.rw, true) } else { b.rw.RLock() }; conclabGapLock(); done <- b.a; b.rw.RUnlock(); conclabGapUnlock() }()")
	assert.Contains(t, string(out), "\tif conclabGapDurable() { conclabGapTake(&l, false) } else { l.Lock() }; conclabGapLock()\n", "a lock behind an interface is taken through its address too")
}

// A lock the rewrite cannot address (a call's result, a map element)
// is counted, and taken as written.
func TestGappedTakesUnaddressableLocksAsWritten(t *testing.T) {
	src := "package p\n\nimport \"sync\"\n\nvar locks = map[string]*sync.Mutex{}\n\nfunc get() *sync.Mutex { return locks[\"a\"] }\n\nfunc F() {\n\tget().Lock()\n\tlocks[\"a\"].Unlock()\n}\n"
	out, err := grade.Gapped(gapsOn, []byte(src))
	require.NoError(t, err)
	assert.Contains(t, string(out), "\tget().Lock(); conclabGapLock()\n\tlocks[\"a\"].Unlock(); conclabGapUnlock()\n")
}

func TestGappedLeavesOtherFilesAlone(t *testing.T) {
	noLocks := []byte("package p\n\nimport \"sync\"\n\nvar once sync.Once\n\nfunc F(l sync.Locker) { once.Do(func() {}); _ = l }\n")
	out, err := grade.Gapped(gapsOn, noLocks)
	require.NoError(t, err)
	assert.Equal(t, string(noLocks), string(out), "a file without locks must come back as it is")

	off := gapsOn
	off.Gaps = false
	out, err = grade.Gapped(off, []byte(gapBank))
	require.NoError(t, err)
	assert.Equal(t, gapBank, string(out), "an exercise without Gaps must get its files back as they are")

	_, err = grade.Gapped(gapsOn, []byte("package p\nfunc {"))
	assert.Error(t, err, "a file that does not parse is an error, for the caller to build it as it is")
}

// TestGapsBuildAndOpen builds the gapped file with the helper in a
// module of its own, vets it, and runs tests that see the gaps open.
func TestGapsBuildAndOpen(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir, scratch := t.TempDir(), t.TempDir()
	for name, text := range map[string]string{
		"go.mod":       "module gaptest\n\ngo 1.26\n",
		"bank.go":      gapBank,
		"bank_test.go": gapBankTest,
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	gapped, err := grade.Gapped(gapsOn, []byte(gapBank))
	require.NoError(t, err)
	replace := map[string]string{
		filepath.Join(dir, "bank.go"):           filepath.Join(scratch, "bank.go"),
		filepath.Join(dir, grade.GapHelperFile): filepath.Join(scratch, grade.GapHelperFile),
	}
	require.NoError(t, os.WriteFile(replace[filepath.Join(dir, "bank.go")], gapped, 0o644))
	require.NoError(t, os.WriteFile(replace[filepath.Join(dir, grade.GapHelperFile)], grade.GapHelper("gaptest"), 0o644))
	j, err := json.Marshal(map[string]any{"Replace": replace})
	require.NoError(t, err)
	overlay := filepath.Join(scratch, "overlay.json")
	require.NoError(t, os.WriteFile(overlay, j, 0o644))

	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONCLAB_") && !strings.HasPrefix(kv, "GOFLAGS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local")
	for _, args := range [][]string{
		{"vet", "-overlay", overlay, "./..."},
		{"test", "-count=1", "-timeout=60s", "-overlay", overlay, "./..."},
	} {
		cmd := exec.Command(gocmd, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
	}
}
