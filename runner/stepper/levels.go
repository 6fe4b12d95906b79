package stepper

import (
	"fmt"
	"strconv"
	"strings"
)

// Levels returns the levels in lesson order. Each call returns fresh
// values.
func Levels() []*Level {
	ls := []*Level{
		lostUpdate(), loseTwo(), mutexCounter(),
		checkThenAct(), checkThenActLocked(),
		abba(), lockOrder(),
		missedSignal(), condLoop(),
	}
	for i, l := range ls {
		l.Number = i + 1
	}
	return ls
}

// Find returns the level named by number ("1") or slug ("lost-update").
func Find(name string) (*Level, error) {
	all := Levels()
	n, err := strconv.Atoi(name)
	for _, l := range all {
		if (err == nil && l.Number == n) || strings.EqualFold(l.Slug, name) {
			return l, nil
		}
	}
	valid := make([]string, len(all))
	for i, l := range all {
		valid[i] = fmt.Sprintf("%d %s", l.Number, l.Slug)
	}
	return nil, fmt.Errorf("no level %q; valid: %s", name, strings.Join(valid, ", "))
}

// increment is counter++ as the machine runs it: three steps.
func increment() []Instr {
	return []Instr{
		{Text: "r := counter   // LOAD", Op: Load, Var: "counter"},
		{Text: "r = r + 1      // ADD", Op: Add, N: 1},
		{Text: "counter = r    // STORE", Op: Store, Var: "counter"},
	}
}

// lostUpdateWin: every goroutine returned, and the counter shows fewer
// increments than ran (at most want).
func lostUpdateWin(want int) func(*Level, *State) (bool, string) {
	return func(l *Level, st *State) (bool, string) {
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

func lostUpdate() *Level {
	return &Level{
		Slug: "lost-update", Title: "counter++ is three steps", Lesson: "2 race",
		Story: "Two goroutines run counter++ once each. The machine does it in three steps: load, add, store.",
		Goal:  "make counter end at 1: lose an update",
		Vars:  []Var{{"counter", 0}},
		Gs:    []Goroutine{{"goroutine 1", increment()}, {"goroutine 2", increment()}},
		Win:   lostUpdateWin(1),
	}
}

func loseTwo() *Level {
	return &Level{
		Slug: "lose-two", Title: "three goroutines, one survivor", Lesson: "2 race",
		Story: "Three goroutines run counter++ once each.",
		Goal:  "make counter end at 1: lose two of the three updates",
		Vars:  []Var{{"counter", 0}},
		Gs:    []Goroutine{{"goroutine 1", increment()}, {"goroutine 2", increment()}, {"goroutine 3", increment()}},
		Win:   lostUpdateWin(1),
	}
}

func mutexCounter() *Level {
	code := func() []Instr {
		return append(append([]Instr{{Text: "mu.Lock()", Op: Lock, Mutex: "mu"}}, increment()...),
			Instr{Text: "mu.Unlock()", Op: Unlock, Mutex: "mu"})
	}
	return &Level{
		Slug: "mutex", Title: "the fix: a mutex around counter++", Lesson: "2 race",
		Story: "The same two increments, each inside mu.Lock() and mu.Unlock().",
		Goal:  "make counter end at 1 (try it: you cannot)",
		Fixed: true,
		Fix:   "while one goroutine is between Lock and Unlock, the other cannot start its LOAD, so no update is ever lost",
		Vars:  []Var{{"counter", 0}},
		Gs:    []Goroutine{{"goroutine 1", code()}, {"goroutine 2", code()}},
		Win:   lostUpdateWin(1),
	}
}

// bothInside: two goroutines are in the critical section at once.
func bothInside(l *Level, st *State) (bool, string) {
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

func checkThenAct() *Level {
	code := func() []Instr {
		return []Instr{
			{Text: "r := busy", Op: Load, Var: "busy"},
			{Text: "if r { return }", Op: JumpIf, Target: -1},
			{Text: "busy = 1", Op: Set, Var: "busy", N: 1},
			{Text: "print(job)     // critical", Op: Work, Enter: true},
			{Text: "busy = 0", Op: Set, Var: "busy", N: 0, Leave: true},
		}
	}
	return &Level{
		Slug: "check-then-act", Title: "check, then act", Lesson: "3 mutex",
		Story: "One printer. Each goroutine checks that nobody is busy printing, then marks it busy and prints.",
		Goal:  "get both goroutines printing at the same time",
		Vars:  []Var{{"busy", 0}},
		Gs:    []Goroutine{{"goroutine 1", code()}, {"goroutine 2", code()}},
		Win:   bothInside,
	}
}

func checkThenActLocked() *Level {
	code := func() []Instr {
		return []Instr{
			{Text: "mu.Lock()", Op: Lock, Mutex: "mu"},
			{Text: "r := busy", Op: Load, Var: "busy"},
			{Text: "if r { mu.Unlock(); return }", Op: JumpIf, Mutex: "mu", Target: -1},
			{Text: "busy = 1", Op: Set, Var: "busy", N: 1},
			{Text: "mu.Unlock()", Op: Unlock, Mutex: "mu"},
			{Text: "print(job)     // critical", Op: Work, Enter: true},
			{Text: "busy = 0", Op: Set, Var: "busy", N: 0, Leave: true},
		}
	}
	return &Level{
		Slug: "check-and-set", Title: "the fix: check and set under one lock", Lesson: "3 mutex",
		Story: "The same printer, but the check and the set happen while holding mu.",
		Goal:  "get both goroutines printing at the same time (try it: you cannot)",
		Fixed: true,
		Fix:   "nobody can slip in between the check and the set: the lock makes them one step",
		Vars:  []Var{{"busy", 0}},
		Gs:    []Goroutine{{"goroutine 1", code()}, {"goroutine 2", code()}},
		Win:   bothInside,
	}
}

// stuckWin: some goroutine has not returned and none can move.
func stuckWin(kind string) func(*Level, *State) (bool, string) {
	return func(l *Level, st *State) (bool, string) {
		if !l.Stuck(st) {
			return false, ""
		}
		var why []string
		for g := range l.Gs {
			if b := l.Blocked(st, g); b != "done" {
				why = append(why, l.Gs[g].Name+" "+b)
			}
		}
		return true, kind + ": " + strings.Join(why, "; ")
	}
}

func transfer(first, second string) []Instr {
	return []Instr{
		{Text: first + ".Lock()", Op: Lock, Mutex: first},
		{Text: second + ".Lock()", Op: Lock, Mutex: second},
		{Text: "move the money", Op: Work},
		{Text: second + ".Unlock()", Op: Unlock, Mutex: second},
		{Text: first + ".Unlock()", Op: Unlock, Mutex: first},
	}
}

func abba() *Level {
	return &Level{
		Slug: "lock-order", Title: "Tom pays Jack while Jack pays Tom", Lesson: "5 deadlock",
		Story: "Each transfer locks its own account first, then the other one.",
		Goal:  "deadlock: leave both transfers waiting for each other",
		Gs:    []Goroutine{{"Tom->Jack", transfer("tom", "jack")}, {"Jack->Tom", transfer("jack", "tom")}},
		Win:   stuckWin("deadlock"),
	}
}

func lockOrder() *Level {
	return &Level{
		Slug: "global-order", Title: "the fix: one global lock order", Lesson: "5 deadlock",
		Story: "Both transfers lock the accounts in the same order (by name), whoever pays whom.",
		Goal:  "deadlock (try it: you cannot)",
		Fixed: true,
		Fix:   "both lock jack before tom, so whoever holds tom already holds jack: nobody can hold one account while the other waits for it and holds the second, and without a cycle there is no deadlock",
		Gs:    []Goroutine{{"Tom->Jack", transfer("jack", "tom")}, {"Jack->Tom", transfer("jack", "tom")}},
		Win:   stuckWin("deadlock"),
	}
}

func missedSignal() *Level {
	return &Level{
		Slug: "missed-signal", Title: "a wake-up nobody hears", Lesson: "7 events",
		Story: "The waiter sleeps until the data is ready; the helper sets ready and signals.",
		Goal:  "make the waiter sleep forever: a missed wake-up",
		Vars:  []Var{{"ready", 0}},
		Gs: []Goroutine{
			{"waiter", []Instr{
				{Text: "r := ready", Op: Load, Var: "ready"},
				{Text: "if r { return }", Op: JumpIf, Target: -1},
				{Text: "cond.Wait()    // sleep", Op: Wait, Cond: "cond"},
			}},
			{"helper", []Instr{
				{Text: "ready = 1", Op: Set, Var: "ready", N: 1},
				{Text: "cond.Signal()", Op: Signal, Cond: "cond"},
			}},
		},
		Win: stuckWin("missed wake-up"),
	}
}

func condLoop() *Level {
	return &Level{
		Slug: "cond-wait", Title: "the fix: check and sleep under the lock", Lesson: "7 events",
		Story: "sync.Cond's way: hold mu while checking; Wait unlocks mu and sleeps in one step, and relocks on waking.",
		Goal:  "make the waiter sleep forever (try it: you cannot)",
		Fixed: true,
		Fix:   "the helper cannot set ready between the waiter's check and its sleep: mu is held across both, and Wait releases it only as it sleeps",
		Vars:  []Var{{"ready", 0}},
		Gs: []Goroutine{
			{"waiter", []Instr{
				{Text: "mu.Lock()", Op: Lock, Mutex: "mu"},
				{Text: "r := ready", Op: Load, Var: "ready"},
				{Text: "if r { goto 7 }", Op: JumpIf, Target: 6},
				{Text: "cond.Wait()    // unlock+sleep", Op: Wait, Cond: "cond", Mutex: "mu"},
				{Text: "mu.Lock()      // Wait relocks", Op: Lock, Mutex: "mu"},
				{Text: "goto 2", Op: Jump, Target: 1},
				{Text: "mu.Unlock()", Op: Unlock, Mutex: "mu"},
			}},
			{"helper", []Instr{
				{Text: "mu.Lock()", Op: Lock, Mutex: "mu"},
				{Text: "ready = 1", Op: Set, Var: "ready", N: 1},
				{Text: "cond.Signal()", Op: Signal, Cond: "cond"},
				{Text: "mu.Unlock()", Op: Unlock, Mutex: "mu"},
			}},
		},
		Win: stuckWin("missed wake-up"),
	}
}
