package deadlock

import "github.com/conclab/conclab/lessons/stepper"

// levels are lesson 5's puzzles for the interleaving stepper: two
// transfers that lock their accounts in opposite orders deadlock; one
// global lock order cannot.
func levels() []stepper.Level {
	return []stepper.Level{lockOrderLevel(), globalOrderLevel()}
}

// transferCode locks first, then second, moves the money and unlocks in
// reverse order.
func transferCode(first, second string) []stepper.Instr {
	return []stepper.Instr{
		{Text: first + ".Lock()", Op: stepper.Lock, Mutex: first},
		{Text: second + ".Lock()", Op: stepper.Lock, Mutex: second},
		{Text: "move the money", Op: stepper.Work},
		{Text: second + ".Unlock()", Op: stepper.Unlock, Mutex: second},
		{Text: first + ".Unlock()", Op: stepper.Unlock, Mutex: first},
	}
}

func lockOrderLevel() stepper.Level {
	return stepper.Level{
		Slug: "lock-order", Title: "Tom pays Jack while Jack pays Tom",
		Story: "Each transfer locks its own account first, then the other one.",
		Goal:  "deadlock: leave both transfers waiting for each other",
		Gs: []stepper.Goroutine{
			{Name: "Tom->Jack", Code: transferCode("tom", "jack")},
			{Name: "Jack->Tom", Code: transferCode("jack", "tom")},
		},
		Win: stepper.StuckWin("deadlock"),
	}
}

func globalOrderLevel() stepper.Level {
	return stepper.Level{
		Slug: "global-order", Title: "the fix: one global lock order",
		Story: "Both transfers lock the accounts in the same order (by name), whoever pays whom.",
		Goal:  "deadlock (try it: you cannot)",
		Fixed: true,
		Fix:   "both lock jack before tom, so whoever holds tom already holds jack: nobody can hold one account while the other waits for it and holds the second, and without a cycle there is no deadlock",
		Gs: []stepper.Goroutine{
			{Name: "Tom->Jack", Code: transferCode("jack", "tom")},
			{Name: "Jack->Tom", Code: transferCode("jack", "tom")},
		},
		Win: stepper.StuckWin("deadlock"),
	}
}
