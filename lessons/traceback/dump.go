package traceback

import (
	"regexp"
	"strconv"
	"strings"
)

// Goroutine is one goroutine of a dump: what it was doing and its stack,
// top (innermost call) first.
type Goroutine struct {
	ID int
	// State is what the runtime printed in brackets, without the wait
	// time: "chan send", "chan receive", "select", "sync.Mutex.Lock",
	// "sync.RWMutex.RLock", "sync.WaitGroup.Wait", "sync.Cond.Wait",
	// "sleep", "running", "runnable", "IO wait", "semacquire" (before Go
	// 1.24), "chan receive (nil chan)", "select (no cases)", ...
	State string
	// Wait is how long it had been blocked, when the runtime says
	// ("5 minutes"; it only does after a minute).
	Wait   string
	Frames []Frame
	// CreatedBy is the go statement that started it; nil for the main
	// goroutine.
	CreatedBy *Frame
	// CreatedByGoroutine is the goroutine that ran that go statement
	// (Go 1.21+ prints it), 0 if unknown.
	CreatedByGoroutine int
	// Leaked: the runtime's goroutine leak profile proved that nothing
	// still able to run can ever wake it ("[chan send (leaked)]").
	Leaked bool `json:",omitempty"`
}

// The answers of Goroutine.WaitingOn for a blocked goroutine.
const (
	ChanSend      = "chan send"
	ChanReceive   = "chan receive"
	Select        = "select"
	MutexLock     = "Mutex.Lock"
	RWMutexRLock  = "RWMutex.RLock"
	RWMutexLock   = "RWMutex.Lock"
	WaitGroupWait = "WaitGroup.Wait"
	CondWait      = "Cond.Wait"
	Sleep         = "sleep"
)

// syncCalls are the blocking calls of package sync, by the function name
// the stack shows, and what a goroutine stuck in them waits on.
var syncCalls = map[string]string{
	"sync.(*Mutex).Lock":          MutexLock,
	"internal/sync.(*Mutex).Lock": MutexLock,
	"sync.(*RWMutex).Lock":        RWMutexLock,
	"sync.(*RWMutex).RLock":       RWMutexRLock,
	"sync.(*WaitGroup).Wait":      WaitGroupWait,
	"sync.(*Cond).Wait":           CondWait,
}

// WaitingOn classifies what the goroutine is blocked on: one of ChanSend,
// ChanReceive, Select, MutexLock, RWMutexRLock, RWMutexLock,
// WaitGroupWait, CondWait or Sleep; "" when it is not blocked (running,
// runnable, in a system call); and the runtime's own state for any other
// wait ("IO wait", "GC sweep wait").
//
// The stack decides where it can, because the state alone is ambiguous:
// Go 1.24+ prints "sync.Mutex.Lock" for a writer blocked in RWMutex.Lock
// (it waits on the RWMutex's inner Mutex), and older Go printed
// "semacquire" for every sync wait.
func (g Goroutine) WaitingOn() string {
	state := g.State
	switch {
	case state == "running" || state == "runnable" || state == "syscall" ||
		strings.HasPrefix(state, "running") || strings.HasPrefix(state, "syscall"):
		return ""
	case strings.HasPrefix(state, "chan send"):
		return ChanSend
	case strings.HasPrefix(state, "chan receive"):
		return ChanReceive
	case strings.HasPrefix(state, "select"):
		return Select
	case state == "sleep":
		return Sleep
	}
	// The outermost sync call above the caller's own code is the one the
	// caller made: RWMutex.Lock, not the Mutex.Lock it calls inside.
	found := ""
	for _, f := range g.Frames {
		if w, ok := syncCalls[f.Func]; ok {
			found = w
			continue
		}
		if !f.Std() {
			break
		}
	}
	if found != "" {
		return found
	}
	switch state {
	case "sync.Mutex.Lock":
		return MutexLock
	case "sync.RWMutex.Lock":
		return RWMutexLock
	case "sync.RWMutex.RLock":
		return RWMutexRLock
	case "sync.WaitGroup.Wait":
		return WaitGroupWait
	case "sync.Cond.Wait":
		return CondWait
	}
	return state
}

// Blocked reports whether the goroutine waits for something (WaitingOn is
// not "").
func (g Goroutine) Blocked() bool { return g.WaitingOn() != "" }

var (
	// goroutine 18 [chan send, 2 minutes]:
	// goroutine 7 gp=0xc000102a80 m=nil [sync.Mutex.Lock]:   (SIGQUIT, crash)
	dumpHeader = regexp.MustCompile(`^goroutine (\d+)(?: [a-z]+=\S+)* \[(.*)\]:$`)
	// [Goroutine 20 in state chan send, with tbgen/leaktest.produce on top of the stack:
	//  Goroutine 21 in state sleep, with time.Sleep on top of the stack:
	leakHeader = regexp.MustCompile(`^\s*\[?\s*Goroutine (\d+) in state (.*), with \S+ on top of the stack:$`)
	// created by main.main in goroutine 1
	createdBy = regexp.MustCompile(`^created by (\S+)(?: in goroutine (\d+))?$`)
	waitTime  = regexp.MustCompile(`^\d+ minutes?$`)
)

// ParseDump reads every goroutine from text: a SIGQUIT dump, a
// `go test -timeout` panic, a fatal error ("all goroutines are asleep -
// deadlock!", "concurrent map writes"), goleak's "found unexpected
// goroutines", or a test2json stream carrying any of those. Other text
// around them is skipped. Goroutines come in the order printed.
func ParseDump(text string) []Goroutine {
	lines := strings.Split(normalize(text), "\n")
	var (
		out []Goroutine
		cur *Goroutine
	)
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := dumpHeader.FindStringSubmatch(line); m != nil {
			flush()
			cur = newGoroutine(m[1], m[2])
			continue
		}
		if m := leakHeader.FindStringSubmatch(line); m != nil {
			flush()
			cur = newGoroutine(m[1], m[2])
			continue
		}
		if cur == nil {
			continue
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || trimmed == "]":
			// A blank line ends a goroutine; goleak's list ends with "]".
			flush()
			continue
		case strings.HasPrefix(trimmed, "..."), strings.HasPrefix(trimmed, "goroutine running on other thread"):
			continue // "...additional frames elided..."
		}
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		if m := createdBy.FindStringSubmatch(trimmed); m != nil {
			f := Frame{Func: m[1]}
			if file, n, ok := parseFileLine(next); ok {
				f.File, f.Line = file, n
				i++
			}
			cur.CreatedBy = &f
			if m[2] != "" {
				cur.CreatedByGoroutine, _ = strconv.Atoi(m[2])
			}
			continue
		}
		if f, ok := parseFrame(line, next); ok {
			cur.Frames = append(cur.Frames, f)
			i++
			continue
		}
		// Anything else (register dumps, a panic message) ends it.
		flush()
	}
	flush()
	return out
}

func newGoroutine(id, bracket string) *Goroutine {
	g := &Goroutine{}
	g.ID, _ = strconv.Atoi(id)
	if strings.Contains(bracket, " (leaked)") {
		g.Leaked = true
		bracket = strings.ReplaceAll(bracket, " (leaked)", "")
	}
	parts := strings.Split(bracket, ", ")
	g.State = parts[0]
	for _, p := range parts[1:] {
		if waitTime.MatchString(p) {
			g.Wait = p
		}
	}
	return g
}

// Find returns the goroutine with id from gs.
func Find(gs []Goroutine, id int) (Goroutine, bool) {
	for _, g := range gs {
		if g.ID == id {
			return g, true
		}
	}
	return Goroutine{}, false
}
