package mutex

import (
	"fmt"
	"strings"

	"github.com/conclab/conclab/lessons/stepper"
)

// levels are lesson 3's puzzles for the interleaving stepper: check then
// act lets two goroutines into a critical section; checking and setting
// under one lock does not.
func levels() []stepper.Level {
	return []stepper.Level{checkThenActLevel(), checkAndSetLevel()}
}

// bothInside: two goroutines are in the critical section at once.
func bothInside(l *stepper.Level, st *stepper.State) (bool, string) {
	var in []string
	for g, ok := range st.InCS {
		if ok {
			in = append(in, l.Gs[g].Name)
		}
	}
	if len(in) < 2 {
		return false, ""
	}
	return true, fmt.Sprintf("%s are both printing: two goroutines in the critical section", strings.Join(in, " and "))
}

func checkThenActLevel() stepper.Level {
	code := func() []stepper.Instr {
		return []stepper.Instr{
			{Text: "r := busy", Op: stepper.Load, Var: "busy"},
			{Text: "if r { return }", Op: stepper.JumpIf, Target: -1},
			{Text: "busy = 1", Op: stepper.Set, Var: "busy", N: 1},
			{Text: "print(job)     // critical", Op: stepper.Work, Enter: true},
			{Text: "busy = 0", Op: stepper.Set, Var: "busy", N: 0, Leave: true},
		}
	}
	return stepper.Level{
		Slug: "check-then-act", Title: "check, then act",
		Story: "One printer. Each goroutine checks that nobody is busy printing, then marks it busy and prints.",
		Goal:  "get both goroutines printing at the same time",
		Vars:  []stepper.Var{{Name: "busy", Init: 0}},
		Gs:    []stepper.Goroutine{{Name: "goroutine 1", Code: code()}, {Name: "goroutine 2", Code: code()}},
		Win:   bothInside,
	}
}

func checkAndSetLevel() stepper.Level {
	code := func() []stepper.Instr {
		return []stepper.Instr{
			{Text: "mu.Lock()", Op: stepper.Lock, Mutex: "mu"},
			{Text: "r := busy", Op: stepper.Load, Var: "busy"},
			{Text: "if r { mu.Unlock(); return }", Op: stepper.JumpIf, Mutex: "mu", Target: -1},
			{Text: "busy = 1", Op: stepper.Set, Var: "busy", N: 1},
			{Text: "mu.Unlock()", Op: stepper.Unlock, Mutex: "mu"},
			{Text: "print(job)     // critical", Op: stepper.Work, Enter: true},
			{Text: "busy = 0", Op: stepper.Set, Var: "busy", N: 0, Leave: true},
		}
	}
	return stepper.Level{
		Slug: "check-and-set", Title: "the fix: check and set under one lock",
		Story: "The same printer, but the check and the set happen while holding mu.",
		Goal:  "get both goroutines printing at the same time (try it: you cannot)",
		Fixed: true,
		Fix:   "nobody can slip in between the check and the set: the lock makes them one step",
		Vars:  []stepper.Var{{Name: "busy", Init: 0}},
		Gs:    []stepper.Goroutine{{Name: "goroutine 1", Code: code()}, {Name: "goroutine 2", Code: code()}},
		Win:   bothInside,
	}
}
