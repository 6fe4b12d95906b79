package lesson

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Theme colours what a stage prints. The runner supplies one that uses the
// terminal's colours; Plain leaves text as it is (tests, pipes, NO_COLOR).
type Theme interface {
	Lane(id int, text string) string // a goroutine's own colour, by lane number
	Heading(text string) string
	Finding(text string) string
	Warning(text string) string
	Dim(text string) string
}

// Plain is the Theme without colour.
type Plain struct{}

func (Plain) Lane(_ int, text string) string { return text }
func (Plain) Heading(text string) string     { return text }
func (Plain) Finding(text string) string     { return text }
func (Plain) Warning(text string) string     { return text }
func (Plain) Dim(text string) string         { return text }

// Options configure a Stage.
type Options struct {
	Out   io.Writer // narration and lane output; io.Discard if nil
	Theme Theme     // Plain if nil
	// Speed scales every Stage.Sleep (Stage.Scale) and stretches every
	// time limit (Stage.Limit, a child's watchdog): 1 is normal, 0.25
	// four times slower (for a class), 50 fifty times faster (for tests).
	Speed float64
	// Presenting makes Stage.Pause wait through PauseFunc; otherwise
	// pauses do nothing. The time spent in pauses is left out of the
	// stage's clock (Stage.Since), and so of its timeline.
	Presenting bool
	PauseFunc  func(ctx context.Context, prompt string) error
	// Lesson is the slug of the lesson being run: Stage.Child names its
	// child processes within it.
	Lesson string
	// Spawn starts child processes; DefaultSpawner (re-execute this
	// binary) if nil.
	Spawn Spawner
	// RaceExe, when set, is a -race build of this binary used for
	// children that ask for the race detector.
	RaceExe string
}

// Stage is a demo's only way to talk to the world. It is safe for
// concurrent use: every goroutine of a demo may print and record events.
//
// Each call takes the stage's lock, which orders memory like any mutex
// does; a racy demo must keep stage calls out of its racing loop, or the
// lock would hide the race it is meant to show.
type Stage struct {
	opts  Options
	start time.Time

	mu       sync.Mutex
	paused   time.Duration // time spent in finished pauses
	pausing  int           // pauses under way
	pauseAt  time.Time     // when the first pause under way began
	bounded  []bounded     // connections whose safety deadline skips pauses
	lanes    []string      // lane names, by id
	events   []Event
	findings []Finding
	stream   *json.Encoder // in a child process: records go to the parent as they happen
}

// NewStage returns a stage configured by opts.
func NewStage(opts Options) *Stage {
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.Theme == nil {
		opts.Theme = Plain{}
	}
	if opts.Speed <= 0 {
		opts.Speed = 1
	}
	if opts.Spawn == nil {
		opts.Spawn = DefaultSpawner{}
	}
	return &Stage{opts: opts, start: time.Now()}
}

// Options returns the options the stage was made with.
func (s *Stage) Options() Options { return s.opts }

// Theme returns the stage's theme, for demos that format a table.
func (s *Stage) Theme() Theme { return s.opts.Theme }

// Say prints a line of narration.
func (s *Stage) Say(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.opts.Out, format+"\n", args...)
}

// Heading prints a section heading inside a demo.
func (s *Stage) Heading(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(s.opts.Out, s.opts.Theme.Heading(fmt.Sprintf(format, args...)))
}

// Warn prints a line that stands out: a detected problem, a timeout.
func (s *Stage) Warn(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(s.opts.Out, s.opts.Theme.Warning(fmt.Sprintf(format, args...)))
}

// Write lets a stage stand where an io.Writer is wanted (a child's output,
// a table); text is printed as it is.
func (s *Stage) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.Out.Write(p)
}

// Scale returns how long d lasts at the stage's speed: the length of a
// sleep, a tick, a deadline that is part of the story the demo tells.
func (s *Stage) Scale(d time.Duration) time.Duration {
	return time.Duration(float64(d) / s.opts.Speed)
}

// Limit returns a time limit d at the stage's speed: a watchdog, a
// safety timeout, a wait for the machine rather than for the story. It
// is stretched like Scale when the stage runs slower than 1, so that 0.25
// waits four times as long, and never shortened when it runs faster: a
// test at speed 10 runs on a machine no faster than before.
func (s *Stage) Limit(d time.Duration) time.Duration {
	if s.opts.Speed >= 1 {
		return d
	}
	return s.Scale(d)
}

// Sleep waits d scaled by the speed, or until ctx is done, whichever is
// first; it returns ctx's error if cut short.
func (s *Stage) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(s.Scale(d))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Pause waits for the presenter (Enter) when presenting, and does nothing
// otherwise. prompt says what comes next.
// The time it waits is left out of the stage's clock.
func (s *Stage) Pause(ctx context.Context, prompt string) error {
	if !s.opts.Presenting || s.opts.PauseFunc == nil {
		return ctx.Err()
	}
	s.mu.Lock()
	if s.pausing == 0 {
		s.pauseAt = time.Now()
		for _, b := range s.bounded {
			_ = b.conn.SetDeadline(time.Time{}) // a closed conn says so: nothing to hold
		}
	}
	s.pausing++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.pausing--; s.pausing == 0 {
			s.paused += time.Since(s.pauseAt)
			for _, b := range s.bounded {
				_ = b.conn.SetDeadline(time.Now().Add(b.limit))
			}
		}
	}()
	return s.opts.PauseFunc(ctx, prompt)
}

// Deadliner is what Bound needs of a connection (net.Conn has it).
type Deadliner interface{ SetDeadline(time.Time) error }

type bounded struct {
	conn  Deadliner
	limit time.Duration
}

// Bound gives conn a safety deadline, limit from now, that the presenter
// cannot trip: a pause lifts it, and the end of the pause sets it limit
// from then. A network wait in a demo must end even if the peer never
// answers, but a class discussing a question for a minute is not a peer
// that stopped answering. Writes that set their own deadline override
// the write half, as with SetDeadline.
func (s *Stage) Bound(conn Deadliner, limit time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bounded = append(s.bounded, bounded{conn, limit})
	if s.pausing == 0 {
		_ = conn.SetDeadline(time.Now().Add(limit))
	}
}

// Since is the time elapsed since the stage was made, less the time spent
// in pauses: the clock of its timeline, which starts at 0 with the demo
// and stands still while the presenter talks.
func (s *Stage) Since() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clock()
}

// clock is Since for a caller that holds s.mu.
func (s *Stage) clock() time.Duration {
	now := time.Now()
	paused := s.paused
	if s.pausing > 0 {
		paused += now.Sub(s.pauseAt)
	}
	return now.Sub(s.start) - paused
}

// Lane returns the lane called name, making it on first use. A lane is one
// goroutine's column of output and row of the timeline, in its own colour.
func (s *Stage) Lane(name string) *Lane {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, n := range s.lanes {
		if n == name {
			return &Lane{stage: s, id: id, name: name}
		}
	}
	s.lanes = append(s.lanes, name)
	if s.stream != nil {
		_ = s.stream.Encode(record{Lane: &name})
	}
	return &Lane{stage: s, id: len(s.lanes) - 1, name: name}
}

// Lanes returns the lane names in order of first use.
func (s *Stage) Lanes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lanes...)
}

// Events returns the timeline recorded so far, in order.
func (s *Stage) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// Finding records a measured result and prints it, e.g.
// s.Finding("lost", 612331, "updates") prints "» lost: 612,331 updates".
// Tests assert findings by name.
func (s *Stage) Finding(name string, value float64, unit string) {
	f := Finding{Name: name, Value: value, Unit: unit}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.findings = append(s.findings, f)
	if s.stream != nil {
		_ = s.stream.Encode(record{Finding: &f})
	}
	fmt.Fprintln(s.opts.Out, s.opts.Theme.Finding("» "+f.String()))
}

// FindingDuration records a duration as a finding in milliseconds.
func (s *Stage) FindingDuration(name string, d time.Duration) {
	s.Finding(name, math.Round(float64(d)/float64(time.Millisecond)), "ms")
}

// Findings returns the findings recorded so far, in order.
func (s *Stage) Findings() []Finding {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Finding(nil), s.findings...)
}

// Lookup returns the last finding called name.
func (s *Stage) Lookup(name string) (Finding, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.findings) - 1; i >= 0; i-- {
		if s.findings[i].Name == name {
			return s.findings[i], true
		}
	}
	return Finding{}, false
}

// record appends an event to the timeline.
func (s *Stage) record(e Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordLocked(e)
}

// recordLocked is record for a caller that holds s.mu.
func (s *Stage) recordLocked(e Event) {
	e.At = s.clock()
	s.events = append(s.events, e)
	if s.stream != nil {
		_ = s.stream.Encode(record{Event: &e})
	}
}

// absorb adds what a child process, started at offset on this stage's
// clock, recorded to this stage.
func (s *Stage) absorb(r ChildReport, offset time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make(map[int]int)
	for id, name := range r.Lanes {
		found := -1
		for i, n := range s.lanes {
			if n == name {
				found = i
			}
		}
		if found < 0 {
			s.lanes = append(s.lanes, name)
			found = len(s.lanes) - 1
		}
		ids[id] = found
	}
	for _, e := range r.Events {
		e.Lane = ids[e.Lane]
		e.At += offset
		s.events = append(s.events, e)
	}
	s.findings = append(s.findings, r.Findings...)
}

// Lane is one goroutine's voice on the stage and row on the timeline.
type Lane struct {
	stage *Stage
	id    int
	name  string
}

// Name is the lane's name.
func (l *Lane) Name() string { return l.name }

// ID is the lane's number, which picks its colour.
func (l *Lane) ID() int { return l.id }

// Printf prints a line in the lane's colour, prefixed with its name, and
// records it on the timeline (Printed): a lane that only talks is drawn
// too.
func (l *Lane) Printf(format string, args ...any) {
	s := l.stage
	s.mu.Lock()
	defer s.mu.Unlock()
	line := fmt.Sprintf("  %-10s %s", "["+l.name+"]", fmt.Sprintf(format, args...))
	fmt.Fprintln(s.opts.Out, s.opts.Theme.Lane(l.id, line))
	s.recordLocked(Event{Lane: l.id, Kind: Printed})
}

func (l *Lane) event(kind Kind, object string) {
	l.stage.record(Event{Lane: l.id, Kind: kind, Object: object})
}

// Start records that the lane's goroutine started running.
func (l *Lane) Start() { l.event(Started, "") }

// Waiting records that the goroutine now waits for object (a lock, a
// channel, a semaphore...).
func (l *Lane) Waiting(object string) { l.event(Waiting, object) }

// Acquired records that the goroutine now holds object.
func (l *Lane) Acquired(object string) { l.event(Acquired, object) }

// Released records that the goroutine let go of object.
func (l *Lane) Released(object string) { l.event(Released, object) }

// Sent records a send on channel object.
func (l *Lane) Sent(object string) { l.event(Sent, object) }

// Received records a receive from channel object.
func (l *Lane) Received(object string) { l.event(Received, object) }

// Done records that the goroutine finished.
func (l *Lane) Done() { l.event(Done, "") }

// Kind is what happened in a timeline event.
type Kind string

// The kinds of timeline event.
const (
	Started  Kind = "started"
	Waiting  Kind = "waiting"
	Acquired Kind = "acquired"
	Released Kind = "released"
	Sent     Kind = "sent"
	Received Kind = "received"
	Printed  Kind = "printed" // the lane printed a line (Lane.Printf)
	Done     Kind = "done"
)

// Event is one entry of a demo's timeline.
type Event struct {
	At     time.Duration `json:"at"`               // on the stage's clock (Stage.Since)
	Lane   int           `json:"lane"`             // index into Stage.Lanes
	Kind   Kind          `json:"kind"`             // what happened
	Object string        `json:"object,omitempty"` // the lock or channel involved
}

// Finding is a measured result of a demo: a number with a unit.
type Finding struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
}

// String formats the finding for people: "lost: 612,331 updates".
func (f Finding) String() string {
	s := f.Name + ": " + Number(f.Value)
	if f.Unit != "" {
		s += " " + f.Unit
	}
	return s
}

// Number formats v with thousands separators and at most two decimals:
// 612331 -> "612,331", 3.5 -> "3.5".
func Number(v float64) string {
	v = math.Round(v*100) / 100
	neg := v < 0
	if neg {
		v = -v
	}
	whole := math.Floor(v)
	frac := v - whole
	digits := strconv.FormatFloat(whole, 'f', 0, 64)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac >= 0.005 {
		f := strconv.FormatFloat(frac, 'f', 2, 64) // "0.50"
		f = strings.TrimRight(f[1:], "0")
		if f != "." {
			b.WriteString(f)
		}
	}
	return b.String()
}
