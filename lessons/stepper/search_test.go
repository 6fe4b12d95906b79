package stepper_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons/stepper"
)

// The levels here are the model's own test cases, written for these
// tests; the course's levels are tested in their lessons.

func incr() []stepper.Instr {
	return []stepper.Instr{
		{Text: "r := n", Op: stepper.Load, Var: "n"},
		{Text: "r = r + 1", Op: stepper.Add, N: 1},
		{Text: "n = r", Op: stepper.Store, Var: "n"},
	}
}

// lost: both goroutines returned and n shows one increment.
func lost(l *stepper.Level, st *stepper.State) (bool, string) {
	if l.AllDone(st) && l.Var(st, "n") == 1 {
		return true, "lost"
	}
	return false, ""
}

func racy() *stepper.Level {
	return &stepper.Level{
		Slug: "racy", Vars: []stepper.Var{{Name: "n"}},
		Gs:  []stepper.Goroutine{{Name: "a", Code: incr()}, {Name: "b", Code: incr()}},
		Win: lost,
	}
}

func locked() *stepper.Level {
	code := func() []stepper.Instr {
		return append(append([]stepper.Instr{{Text: "mu.Lock()", Op: stepper.Lock, Mutex: "mu"}}, incr()...),
			stepper.Instr{Text: "mu.Unlock()", Op: stepper.Unlock, Mutex: "mu"})
	}
	return &stepper.Level{
		Slug: "locked", Fixed: true, Fix: "the lock", Vars: []stepper.Var{{Name: "n"}},
		Gs:  []stepper.Goroutine{{Name: "a", Code: code()}, {Name: "b", Code: code()}},
		Win: lost,
	}
}

func TestSolveFindsAShortestSchedule(t *testing.T) {
	l := racy()
	res := stepper.Solve(l)
	require.NotNil(t, res.Schedule)
	assert.Len(t, res.Schedule, 6, "every step runs; the loss shows when both have stored")
	assert.Equal(t, "lost", res.Message)
	st := l.Start()
	for _, g := range res.Schedule {
		require.Contains(t, l.Runnable(st), g)
		st, _ = l.Step(st, g)
	}
	won, _ := l.Won(st)
	assert.True(t, won, "the schedule Solve returns wins when replayed")
}

func TestSolveProvesAFixedLevel(t *testing.T) {
	res := stepper.Solve(locked())
	assert.Nil(t, res.Schedule, "a schedule wins through the lock: %v", res.Schedule)
	assert.Equal(t, 2, res.Schedules, "whoever locks first runs to the end: two schedules")
	require.NotEmpty(t, res.Endings)
	for _, e := range res.Endings {
		assert.Equal(t, "all returned with n = 2", e, "every schedule keeps both updates")
	}
	assert.Positive(t, res.States)
}

func TestStepSaysWhatHappened(t *testing.T) {
	l := locked()
	st := l.Start()
	st, what := l.Step(st, 0)
	assert.Equal(t, "a: mu.Lock()", what)
	assert.Equal(t, "blocked: mu is held by a", l.Blocked(st, 1))
	assert.Equal(t, []int{0}, l.Runnable(st))
	st, what = l.Step(st, 0)
	assert.Equal(t, "a: r := n   (r = 0)", what)
	assert.Panics(t, func() { l.Step(st, 1) }, "a blocked goroutine cannot step")
}

// TestStuckWin: a signal sent before anyone waits is lost, and the waiter
// that then sleeps is reported stuck, with what it waits for.
func TestStuckWin(t *testing.T) {
	l := &stepper.Level{
		Slug: "missed",
		Gs: []stepper.Goroutine{
			{Name: "waiter", Code: []stepper.Instr{{Text: "cond.Wait()", Op: stepper.Wait, Cond: "cond"}}},
			{Name: "helper", Code: []stepper.Instr{{Text: "cond.Signal()", Op: stepper.Signal, Cond: "cond"}}},
		},
		Win: stepper.StuckWin("missed wake-up"),
	}
	st, what := l.Step(l.Start(), 1)
	assert.Equal(t, "helper: cond.Signal()   (nobody was waiting: the signal is lost)", what)
	won, _ := l.Won(st)
	assert.False(t, won, "the waiter can still run")
	st, _ = l.Step(st, 0)
	won, msg := l.Won(st)
	assert.True(t, won)
	assert.Equal(t, "missed wake-up: waiter asleep in cond.Wait()", msg)
	assert.Equal(t, "stuck", l.Ending(st))

	// In the other order the signal wakes the sleeper: nobody is stuck.
	st, _ = l.Step(l.Start(), 0)
	st, what = l.Step(st, 1)
	assert.Equal(t, "helper: cond.Signal()   (wakes waiter)", what)
	won, _ = l.Won(st)
	assert.False(t, won)
	assert.True(t, l.AllDone(st))
}
