package race

import (
	"fmt"

	"github.com/conclab/conclab/lessons/stepper"
)

// levels are lesson 2's puzzles for the interleaving stepper: lose an
// update by hand, lose two, then fail to lose one behind a mutex.
func levels() []stepper.Level {
	return []stepper.Level{lostUpdateLevel(), loseTwoLevel(), mutexLevel()}
}

// increment is counter++ as the machine runs it: three steps.
func increment() []stepper.Instr {
	return []stepper.Instr{
		{Text: "r := counter   // LOAD", Op: stepper.Load, Var: "counter"},
		{Text: "r = r + 1      // ADD", Op: stepper.Add, N: 1},
		{Text: "counter = r    // STORE", Op: stepper.Store, Var: "counter"},
	}
}

// lostUpdateWin: every goroutine returned, and the counter shows fewer
// increments than ran (at most want).
func lostUpdateWin(want int) func(*stepper.Level, *stepper.State) (bool, string) {
	return func(l *stepper.Level, st *stepper.State) (bool, string) {
		if !l.AllDone(st) {
			return false, ""
		}
		c := l.Var(st, "counter")
		if c > want {
			return false, ""
		}
		return true, fmt.Sprintf("lost update: %d goroutines each added 1, and counter = %d", len(l.Gs), c)
	}
}

func lostUpdateLevel() stepper.Level {
	return stepper.Level{
		Slug: "lost-update", Title: "counter++ is three steps",
		Story: "Two goroutines run counter++ once each. The machine does it in three steps: load, add, store.",
		Goal:  "make counter end at 1: lose an update",
		Vars:  []stepper.Var{{Name: "counter", Init: 0}},
		Gs:    []stepper.Goroutine{{Name: "goroutine 1", Code: increment()}, {Name: "goroutine 2", Code: increment()}},
		Win:   lostUpdateWin(1),
	}
}

func loseTwoLevel() stepper.Level {
	return stepper.Level{
		Slug: "lose-two", Title: "three goroutines, one survivor",
		Story: "Three goroutines run counter++ once each.",
		Goal:  "make counter end at 1: lose two of the three updates",
		Vars:  []stepper.Var{{Name: "counter", Init: 0}},
		Gs: []stepper.Goroutine{
			{Name: "goroutine 1", Code: increment()},
			{Name: "goroutine 2", Code: increment()},
			{Name: "goroutine 3", Code: increment()},
		},
		Win: lostUpdateWin(1),
	}
}

func mutexLevel() stepper.Level {
	code := func() []stepper.Instr {
		return append(append([]stepper.Instr{{Text: "mu.Lock()", Op: stepper.Lock, Mutex: "mu"}}, increment()...),
			stepper.Instr{Text: "mu.Unlock()", Op: stepper.Unlock, Mutex: "mu"})
	}
	return stepper.Level{
		Slug: "mutex", Title: "the fix: a mutex around counter++",
		Story: "The same two increments, each inside mu.Lock() and mu.Unlock().",
		Goal:  "make counter end at 1 (try it: you cannot)",
		Fixed: true,
		Fix:   "while one goroutine is between Lock and Unlock, the other cannot start its LOAD, so no update is ever lost",
		Vars:  []stepper.Var{{Name: "counter", Init: 0}},
		Gs:    []stepper.Goroutine{{Name: "goroutine 1", Code: code()}, {Name: "goroutine 2", Code: code()}},
		Win:   lostUpdateWin(1),
	}
}
