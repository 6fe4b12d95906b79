package events

import "github.com/conclab/conclab/lessons/stepper"

// levels are lesson 7's puzzles for the interleaving stepper: a signal
// sent between the waiter's check and its sleep is lost; sync.Cond's way,
// check and sleep under the lock, cannot lose it.
func levels() []stepper.Level {
	return []stepper.Level{missedSignalLevel(), condWaitLevel()}
}

func missedSignalLevel() stepper.Level {
	return stepper.Level{
		Slug: "missed-signal", Title: "a wake-up nobody hears",
		Story: "The waiter sleeps until the data is ready; the helper sets ready and signals.",
		Goal:  "make the waiter sleep forever: a missed wake-up",
		Vars:  []stepper.Var{{Name: "ready", Init: 0}},
		Gs: []stepper.Goroutine{
			{Name: "waiter", Code: []stepper.Instr{
				{Text: "r := ready", Op: stepper.Load, Var: "ready"},
				{Text: "if r { return }", Op: stepper.JumpIf, Target: -1},
				{Text: "cond.Wait()    // sleep", Op: stepper.Wait, Cond: "cond"},
			}},
			{Name: "helper", Code: []stepper.Instr{
				{Text: "ready = 1", Op: stepper.Set, Var: "ready", N: 1},
				{Text: "cond.Signal()", Op: stepper.Signal, Cond: "cond"},
			}},
		},
		Win: stepper.StuckWin("missed wake-up"),
	}
}

func condWaitLevel() stepper.Level {
	return stepper.Level{
		Slug: "cond-wait", Title: "the fix: check and sleep under the lock",
		Story: "sync.Cond's way: hold mu while checking; Wait unlocks mu and sleeps in one step, and relocks on waking.",
		Goal:  "make the waiter sleep forever (try it: you cannot)",
		Fixed: true,
		Fix:   "the helper cannot set ready between the waiter's check and its sleep: mu is held across both, and Wait releases it only as it sleeps",
		Vars:  []stepper.Var{{Name: "ready", Init: 0}},
		Gs: []stepper.Goroutine{
			{Name: "waiter", Code: []stepper.Instr{
				{Text: "mu.Lock()", Op: stepper.Lock, Mutex: "mu"},
				{Text: "r := ready", Op: stepper.Load, Var: "ready"},
				{Text: "if r { goto 7 }", Op: stepper.JumpIf, Target: 6},
				{Text: "cond.Wait()    // unlock+sleep", Op: stepper.Wait, Cond: "cond", Mutex: "mu"},
				{Text: "mu.Lock()      // Wait relocks", Op: stepper.Lock, Mutex: "mu"},
				{Text: "goto 2", Op: stepper.Jump, Target: 1},
				{Text: "mu.Unlock()", Op: stepper.Unlock, Mutex: "mu"},
			}},
			{Name: "helper", Code: []stepper.Instr{
				{Text: "mu.Lock()", Op: stepper.Lock, Mutex: "mu"},
				{Text: "ready = 1", Op: stepper.Set, Var: "ready", N: 1},
				{Text: "cond.Signal()", Op: stepper.Signal, Cond: "cond"},
				{Text: "mu.Unlock()", Op: stepper.Unlock, Mutex: "mu"},
			}},
		},
		Win: stepper.StuckWin("missed wake-up"),
	}
}
