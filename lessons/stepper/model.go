// Package stepper is the model behind the interleaving stepper: tiny
// programs of two or three goroutines whose steps are scheduled one at a
// time, until a bug appears (a lost update, a deadlock, two goroutines in
// a critical section, a missed wake-up).
//
// It is the one deliberate model in conclab: a real scheduler cannot be
// driven step by step, so each level is a short list of instructions over
// shared variables, mutexes and condition variables, interpreted here. The
// model is small enough to explore completely: Solve finds the shortest
// schedule that produces the bug by breadth-first search over every
// reachable state, and for a level whose fix makes the bug impossible it
// proves so by visiting every reachable state and finding none.
//
// The levels themselves live with the lessons that teach them (each
// lesson's levels.go, listed in lesson.Lesson.Levels); the lessons package
// numbers them in course order, and the runner's stepgame plays them. This
// package imports nothing of conclab, so any lesson can build levels.
package stepper

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Op is what an instruction does.
type Op int

// The instructions of the model. Each runs atomically: that is the point.
const (
	Load   Op = iota // r = Var
	Add              // r = r + N
	Store            // Var = r
	Set              // Var = N
	Lock             // Mutex.Lock(): blocks while another goroutine holds it
	Unlock           // Mutex.Unlock()
	JumpIf           // if r != 0: unlock Mutex (if named) and go to Target (-1: return)
	Jump             // go to Target
	Work             // a step that changes no shared state (Enter/Leave mark a critical section)
	Wait             // sleep on Cond until signalled; unlocks Mutex first if named
	Signal           // wake one goroutine sleeping on Cond; lost if nobody sleeps
)

// Instr is one step of a goroutine.
type Instr struct {
	Text   string // as shown, Go-like: "r := counter"
	Op     Op
	Var    string
	N      int
	Mutex  string
	Cond   string
	Target int  // for Jump and JumpIf; -1 means return
	Enter  bool // after this step the goroutine is in the critical section
	Leave  bool // after this step it is not
}

// Goroutine is one goroutine's program. Each has one local register, r.
type Goroutine struct {
	Name string
	Code []Instr
}

// Level is one puzzle.
type Level struct {
	// Number and Lesson are set by the course (lessons.Levels), which
	// knows the order of all levels and which lesson holds each.
	Number int
	Lesson string // the lesson it belongs to, e.g. "2 race"
	Slug   string
	Title  string
	Story  string // what the program does and what to try
	Goal   string // the bug to produce, one line
	// Fixed levels cannot be won: the stepper proves it by exploring
	// every schedule. Fix says what makes it impossible.
	Fixed bool
	Fix   string
	Vars  []Var
	Gs    []Goroutine
	// Win reports whether st shows the bug, and describes it.
	Win func(l *Level, st *State) (bool, string)
}

// Var is a shared variable and its initial value.
type Var struct {
	Name string
	Init int
}

// State is a moment of a level's execution.
type State struct {
	PC     []int          // next instruction per goroutine; len(Code) when done
	Reg    []int          // r per goroutine
	Vars   []int          // shared variables, in Level.Vars order
	Holder map[string]int // mutex -> goroutine holding it
	Asleep []string       // cond each goroutine sleeps on, "" if awake
	InCS   []bool
}

// Start returns the initial state.
func (l *Level) Start() *State {
	st := &State{
		PC:     make([]int, len(l.Gs)),
		Reg:    make([]int, len(l.Gs)),
		Vars:   make([]int, len(l.Vars)),
		Holder: make(map[string]int),
		Asleep: make([]string, len(l.Gs)),
		InCS:   make([]bool, len(l.Gs)),
	}
	for i, v := range l.Vars {
		st.Vars[i] = v.Init
	}
	return st
}

func (st *State) clone() *State {
	c := &State{
		PC:     slices.Clone(st.PC),
		Reg:    slices.Clone(st.Reg),
		Vars:   slices.Clone(st.Vars),
		Holder: make(map[string]int, len(st.Holder)),
		Asleep: slices.Clone(st.Asleep),
		InCS:   slices.Clone(st.InCS),
	}
	for k, v := range st.Holder {
		c.Holder[k] = v
	}
	return c
}

// Key identifies the state for the search: two states with the same key
// behave the same from then on.
func (st *State) Key() string {
	var b strings.Builder
	fmt.Fprint(&b, st.PC, st.Reg, st.Vars, st.Asleep, st.InCS)
	locks := make([]string, 0, len(st.Holder))
	for k, v := range st.Holder {
		locks = append(locks, k+"="+strconv.Itoa(v))
	}
	slices.Sort(locks)
	b.WriteString(strings.Join(locks, ","))
	return b.String()
}

// Var returns the value of the shared variable name.
func (l *Level) Var(st *State, name string) int {
	for i, v := range l.Vars {
		if v.Name == name {
			return st.Vars[i]
		}
	}
	panic("stepper: level " + l.Slug + " has no variable " + name)
}

func (l *Level) varIndex(name string) int {
	for i, v := range l.Vars {
		if v.Name == name {
			return i
		}
	}
	panic("stepper: level " + l.Slug + " has no variable " + name)
}

// Done reports whether goroutine g has returned.
func (l *Level) Done(st *State, g int) bool {
	return st.PC[g] >= len(l.Gs[g].Code) && st.Asleep[g] == ""
}

// AllDone reports whether every goroutine has returned.
func (l *Level) AllDone(st *State) bool {
	for g := range l.Gs {
		if !l.Done(st, g) {
			return false
		}
	}
	return true
}

// Blocked says why goroutine g cannot run its next step ("" if it can).
func (l *Level) Blocked(st *State, g int) string {
	switch {
	case l.Done(st, g):
		return "done"
	case st.Asleep[g] != "":
		return "asleep in " + st.Asleep[g] + ".Wait()"
	}
	in := l.Gs[g].Code[st.PC[g]]
	if in.Op == Lock {
		if h, held := st.Holder[in.Mutex]; held {
			return fmt.Sprintf("blocked: %s is held by %s", in.Mutex, l.Gs[h].Name)
		}
	}
	return ""
}

// Runnable lists the goroutines that can run a step.
func (l *Level) Runnable(st *State) []int {
	var gs []int
	for g := range l.Gs {
		if l.Blocked(st, g) == "" {
			gs = append(gs, g)
		}
	}
	return gs
}

// Stuck reports whether some goroutine has not returned and none can run:
// a deadlock, or a sleeper nobody will ever wake.
func (l *Level) Stuck(st *State) bool {
	return !l.AllDone(st) && len(l.Runnable(st)) == 0
}

// Step runs goroutine g's next instruction and returns the new state and
// what happened, in words. g must be runnable.
func (l *Level) Step(st *State, g int) (*State, string) {
	if why := l.Blocked(st, g); why != "" {
		panic(fmt.Sprintf("stepper: %s cannot run: %s", l.Gs[g].Name, why))
	}
	n := st.clone()
	in := l.Gs[g].Code[st.PC[g]]
	name := l.Gs[g].Name
	n.PC[g]++
	what := fmt.Sprintf("%s: %s", name, in.Text)
	switch in.Op {
	case Load:
		n.Reg[g] = n.Vars[l.varIndex(in.Var)]
		what += fmt.Sprintf("   (r = %d)", n.Reg[g])
	case Add:
		n.Reg[g] += in.N
		what += fmt.Sprintf("   (r = %d)", n.Reg[g])
	case Store:
		n.Vars[l.varIndex(in.Var)] = n.Reg[g]
		what += fmt.Sprintf("   (%s = %d)", in.Var, n.Reg[g])
	case Set:
		n.Vars[l.varIndex(in.Var)] = in.N
	case Lock:
		n.Holder[in.Mutex] = g
	case Unlock:
		delete(n.Holder, in.Mutex)
	case JumpIf:
		if n.Reg[g] != 0 {
			if in.Mutex != "" {
				delete(n.Holder, in.Mutex)
			}
			n.PC[g] = l.target(g, in.Target)
			what += "   (taken)"
		} else {
			what += "   (not taken)"
		}
	case Jump:
		n.PC[g] = l.target(g, in.Target)
	case Work:
	case Wait:
		if in.Mutex != "" {
			delete(n.Holder, in.Mutex)
		}
		n.Asleep[g] = in.Cond
		what += "   (asleep)"
	case Signal:
		woken := -1
		for h := range l.Gs {
			if n.Asleep[h] == in.Cond {
				woken = h
				break
			}
		}
		if woken < 0 {
			what += "   (nobody was waiting: the signal is lost)"
		} else {
			n.Asleep[woken] = ""
			what += fmt.Sprintf("   (wakes %s)", l.Gs[woken].Name)
		}
	}
	if in.Enter {
		n.InCS[g] = true
	}
	if in.Leave {
		n.InCS[g] = false
	}
	return n, what
}

func (l *Level) target(g, t int) int {
	if t < 0 {
		return len(l.Gs[g].Code)
	}
	return t
}

// Won reports whether st shows the level's bug.
func (l *Level) Won(st *State) (bool, string) { return l.Win(l, st) }

// Ending describes a final state (nobody can move) in words.
func (l *Level) Ending(st *State) string {
	var parts []string
	for i, v := range l.Vars {
		parts = append(parts, fmt.Sprintf("%s = %d", v.Name, st.Vars[i]))
	}
	s := ""
	if len(parts) > 0 {
		s = " with " + strings.Join(parts, ", ")
	}
	if l.Stuck(st) {
		return "stuck" + s
	}
	return "all returned" + s
}
