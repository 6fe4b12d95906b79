// Package stepgame is the interleaving stepper's game (conclab step): it
// shows a level's goroutines side by side, runs the next step of the one
// the player picks, and says when the bug appears; for a fixed level it
// counts the schedules tried and shows the search's proof that none wins.
// With Auto it plays the shortest winning schedule by itself.
//
// The model and the search are lessons/stepper; the levels live with the
// lessons that teach them (lessons.Levels).
package stepgame

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/stepper"
)

// Options are how a level is played.
type Options struct {
	In  io.Reader // keys: 1 2 3 run a goroutine's next step, u undo, r restart, q quit
	Out io.Writer
	// Screen clears the screen and redraws the whole board after every
	// key (a terminal); otherwise each step is printed as a line (scripted
	// input, pipes, tests) and the board only at the start and the end.
	Screen bool
	Width  int
	Theme  lesson.Theme
	// Auto plays the shortest winning schedule by itself, Delay between
	// steps, or shows the proof that no schedule wins.
	Auto  bool
	Delay time.Duration
}

// Outcome is how a game of one level ended.
type Outcome int

// How a game can end.
const (
	Won        Outcome = iota // the bug appeared
	Unwinnable                // a fixed level: the proof was shown
	Quit                      // q or Ctrl-C
	Next                      // n after a win: go on to the next level
	NoMoreKeys                // scripted input ended before the bug appeared
)

// ErrNoKeys is returned by Play when scripted input ends before the bug
// appeared on a level that can be won.
var ErrNoKeys = errors.New("input ended before the bug appeared")

// game is one level being played.
type game struct {
	l       *stepper.Level
	o       Options
	st      *stepper.State
	history []*stepper.State
	sched   []int
	last    string
	note    string
	proof   stepper.Result
	tried   map[string]bool // complete schedules played, for fixed levels
	proved  bool            // the proof has been shown
}

// Play plays level l until the bug appears, the user quits, or (for a
// fixed level) the input ends.
func Play(ctx context.Context, l *stepper.Level, o Options) (Outcome, error) {
	if o.Theme == nil {
		o.Theme = lesson.Plain{}
	}
	if o.Width <= 0 {
		o.Width = 80
	}
	g := &game{l: l, o: o, st: l.Start(), tried: make(map[string]bool)}
	g.proof = stepper.Solve(l)
	if o.Auto {
		return g.auto(ctx)
	}
	in := bufio.NewReader(o.In)
	g.draw(true)
	for {
		if won, msg := l.Won(g.st); won {
			g.win(msg)
			if !o.Screen {
				return Won, nil
			}
			g.say("n: next level   r: play again   q: quit")
			for {
				k, err := in.ReadByte()
				if err != nil || k == 'q' || k == 3 || k == 4 {
					return Won, nil
				}
				if k == 'n' {
					return Next, nil
				}
				if k == 'r' {
					g.restart()
					break
				}
			}
			continue
		}
		if len(l.Runnable(g.st)) == 0 {
			g.ending()
		}
		k, err := in.ReadByte()
		if err == io.EOF {
			if l.Fixed {
				g.showProof()
				return Unwinnable, nil
			}
			g.say(g.o.Theme.Warning("Input ended before the bug appeared."))
			return NoMoreKeys, ErrNoKeys
		}
		if err != nil {
			return Quit, err
		}
		if ctx.Err() != nil {
			return Quit, ctx.Err()
		}
		switch {
		case k == ' ' || k == '\n' || k == '\r' || k == '\t' || k == ',':
			continue
		case k == 'q' || k == 3 || k == 4: // q, Ctrl-C, Ctrl-D
			g.say("Bye.")
			return Quit, nil
		case k == 'u':
			if len(g.history) == 0 {
				g.note = "nothing to undo"
			} else {
				g.st = g.history[len(g.history)-1]
				g.history = g.history[:len(g.history)-1]
				g.sched = g.sched[:len(g.sched)-1]
				g.last, g.note = "", "undone"
			}
		case k == 'r':
			g.restart()
		case k >= '1' && k <= '9':
			gi := int(k - '1')
			if gi >= len(l.Gs) {
				g.note = fmt.Sprintf("there is no goroutine %c: use %s", k, g.keys())
				break
			}
			if why := l.Blocked(g.st, gi); why != "" {
				g.note = fmt.Sprintf("%s cannot run: %s", l.Gs[gi].Name, why)
				break
			}
			g.step(gi)
		default:
			g.note = fmt.Sprintf("key %q means nothing here: %s run a goroutine, u undo, r restart, q quit", k, g.keys())
		}
		g.draw(false)
	}
}

func (g *game) keys() string {
	ks := make([]string, len(g.l.Gs))
	for i := range ks {
		ks[i] = fmt.Sprint(i + 1)
	}
	return strings.Join(ks, " ")
}

func (g *game) step(gi int) {
	g.history = append(g.history, g.st)
	g.sched = append(g.sched, gi)
	g.st, g.last = g.l.Step(g.st, gi)
	g.note = ""
}

func (g *game) restart() {
	g.st, g.history, g.sched = g.l.Start(), nil, nil
	g.last, g.note = "", "restarted"
	g.draw(true)
}

// auto plays the shortest winning schedule, or shows the proof.
func (g *game) auto(ctx context.Context) (Outcome, error) {
	g.draw(true)
	if g.proof.Schedule == nil {
		g.showProof()
		return Unwinnable, nil
	}
	g.say(fmt.Sprintf("Searching every schedule... the shortest that shows the bug has %d steps: %s", len(g.proof.Schedule), schedString(g.proof.Schedule)))
	for _, gi := range g.proof.Schedule {
		if g.o.Delay > 0 {
			t := time.NewTimer(g.o.Delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return Quit, ctx.Err()
			case <-t.C:
			}
		}
		g.step(gi)
		g.draw(false)
	}
	_, msg := g.l.Won(g.st)
	g.win(msg)
	return Won, nil
}

func (g *game) win(msg string) {
	if !g.o.Screen {
		g.board()
	}
	g.say(g.o.Theme.Warning("BUG: " + msg))
	g.say(fmt.Sprintf("Schedule: %s (%d steps; the shortest possible has %d)", schedString(g.sched), len(g.sched), len(g.proof.Schedule)))
}

// ending: nobody can move and the bug did not appear.
func (g *game) ending() {
	key := schedString(g.sched)
	if g.l.Fixed {
		if !g.tried[key] {
			g.tried[key] = true
			g.say(fmt.Sprintf("Ending: %s. No bug. You have tried %d of the %s schedules.", g.l.Ending(g.st), len(g.tried), count(g.proof.Schedules)))
			if g.proof.Schedules > 0 && len(g.tried) >= g.proof.Schedules {
				g.say(g.o.Theme.Finding("You have explored every schedule, and none shows the bug: this level cannot be won."))
				g.showProof()
			} else {
				g.say("Press r to try another schedule, or q to quit.")
			}
		}
		return
	}
	if !g.tried[key] {
		g.tried[key] = true
		g.say(fmt.Sprintf("Ending: %s. No bug this time: press u to undo or r to restart, and try another order.", g.l.Ending(g.st)))
	}
}

func (g *game) showProof() {
	if g.proved {
		return
	}
	g.proved = true
	p := g.proof
	g.say(g.o.Theme.Finding(fmt.Sprintf("Proof: the stepper explored all %d reachable states (%s complete schedules); none shows the bug.", p.States, count(p.Schedules))))
	// Sorted, so the same game prints the same proof every time.
	endings := slices.Compact(slices.Sorted(maps.Values(p.Endings)))
	switch len(endings) {
	case 0:
	case 1:
		g.say("  every schedule ends: " + endings[0])
	default:
		g.say("  every schedule ends in one of these ways:")
		for _, e := range endings {
			g.say("    " + e)
		}
	}
	g.say("Why: " + g.l.Fix + ".")
}

func count(n int) string {
	if n < 0 {
		return "endlessly many"
	}
	return fmt.Sprint(n)
}

func schedString(s []int) string {
	if len(s) == 0 {
		return "(none yet)"
	}
	parts := make([]string, len(s))
	for i, g := range s {
		parts[i] = fmt.Sprint(g + 1)
	}
	return strings.Join(parts, " ")
}

func (g *game) say(line string) { fmt.Fprintln(g.o.Out, line) }

// draw shows the game after a key: the whole board on a screen; in
// scripted mode the full board only at the start, then one line a step.
func (g *game) draw(start bool) {
	if g.o.Screen {
		fmt.Fprint(g.o.Out, "\x1b[H\x1b[2J")
		g.board()
		return
	}
	if start {
		g.board()
		return
	}
	if g.note != "" {
		g.say(g.o.Theme.Dim("  (" + g.note + ")"))
		g.note = ""
		return
	}
	if g.last != "" {
		g.say(fmt.Sprintf("%3d. %s", len(g.sched), g.last))
		g.say(g.o.Theme.Dim("     " + g.shared()))
		g.last = ""
	}
}

// shared describes the shared state in one line.
func (g *game) shared() string {
	var parts []string
	for i, v := range g.l.Vars {
		parts = append(parts, fmt.Sprintf("%s = %d", v.Name, g.st.Vars[i]))
	}
	for _, m := range g.mutexes() {
		if h, ok := g.st.Holder[m]; ok {
			parts = append(parts, fmt.Sprintf("%s held by %s", m, g.l.Gs[h].Name))
		} else {
			parts = append(parts, m+" free")
		}
	}
	var in []string
	for gi, ok := range g.st.InCS {
		if ok {
			in = append(in, g.l.Gs[gi].Name)
		}
	}
	if len(in) > 0 {
		parts = append(parts, "printing: "+strings.Join(in, ", "))
	}
	return strings.Join(parts, "   ")
}

func (g *game) mutexes() []string {
	var ms []string
	for _, gr := range g.l.Gs {
		for _, in := range gr.Code {
			if in.Op == stepper.Lock && !contains(ms, in.Mutex) {
				ms = append(ms, in.Mutex)
			}
		}
	}
	return ms
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// board prints the level, every goroutine's code with its next step
// marked, and the shared state.
func (g *game) board() {
	l, th := g.l, g.o.Theme
	kind := ""
	if l.Fixed {
		kind = "  [fixed]"
	}
	g.say(th.Heading(fmt.Sprintf("Level %d: %s", l.Number, l.Title)) + th.Dim(fmt.Sprintf("   (lesson %s)%s", l.Lesson, kind)))
	for _, line := range fill(l.Story, g.o.Width) {
		g.say(line)
	}
	for _, line := range fill("Goal: "+l.Goal, g.o.Width) {
		g.say(line)
	}
	g.say("")
	blocks := make([][]string, len(l.Gs))
	widest := 0
	for gi, gr := range l.Gs {
		head := fmt.Sprintf("[%d] %s", gi+1, gr.Name)
		if usesRegister(gr) {
			head += fmt.Sprintf("   r = %d", g.st.Reg[gi])
		}
		lines := []string{th.Lane(gi, head)}
		widest = max(widest, len(head))
		for i, in := range gr.Code {
			mark := "  "
			if i == g.st.PC[gi] && !l.Done(g.st, gi) && g.st.Asleep[gi] == "" {
				mark = "▶ "
			}
			line := fmt.Sprintf(" %s%d  %s", mark, i+1, in.Text)
			widest = max(widest, len([]rune(line)))
			lines = append(lines, line)
		}
		status := "    (can run)"
		if why := l.Blocked(g.st, gi); why != "" {
			status = "    (" + why + ")"
		}
		widest = max(widest, len(status))
		lines = append(lines, th.Dim(status))
		blocks[gi] = lines
	}
	colW := widest + 3
	if colW*len(blocks) <= g.o.Width {
		rows := 0
		for _, b := range blocks {
			rows = max(rows, len(b))
		}
		for r := range rows {
			var line strings.Builder
			for bi, b := range blocks {
				cell := ""
				if r < len(b) {
					cell = b[r]
				}
				line.WriteString(cell)
				if bi < len(blocks)-1 {
					line.WriteString(strings.Repeat(" ", max(1, colW-visibleLen(cell))))
				}
			}
			g.say(strings.TrimRight(line.String(), " "))
		}
	} else {
		for _, b := range blocks {
			for _, line := range b {
				g.say(line)
			}
		}
	}
	g.say("")
	g.say("Shared: " + g.shared())
	if g.o.Screen {
		if g.last != "" {
			g.say("Last step: " + g.last)
		}
		if g.note != "" {
			g.say(th.Warning(g.note))
		}
		g.say("Schedule: " + schedString(g.sched))
		switch {
		case g.o.Auto && g.proof.Schedule == nil:
			g.say(th.Dim("auto: no schedule shows the bug; the proof follows"))
		case g.o.Auto:
			// No keys are read: say what is being played instead.
			g.say(th.Dim(fmt.Sprintf("auto: playing the shortest schedule that shows the bug, %d steps: %s", len(g.proof.Schedule), schedString(g.proof.Schedule))))
		default:
			g.say(th.Dim(fmt.Sprintf("keys: %s run that goroutine's next step   u undo   r restart   q quit", g.keys())))
		}
	}
}

// visibleLen is the width of s on screen, without colour escapes.
func visibleLen(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case esc:
			if r == 'm' {
				esc = false
			}
		case r == '\x1b':
			esc = true
		default:
			n++
		}
	}
	return n
}

// usesRegister reports whether the goroutine's code reads or writes r.
func usesRegister(gr stepper.Goroutine) bool {
	for _, in := range gr.Code {
		switch in.Op {
		case stepper.Load, stepper.Add, stepper.Store, stepper.JumpIf:
			return true
		}
	}
	return false
}

// fill breaks prose into lines of at most width, between words.
func fill(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
