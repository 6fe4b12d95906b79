// Package present is conclab's presentation mode: a lesson as a paced
// slideshow for a class. Each step fills the screen: the lesson's text,
// section by section, then for every demo its code, a question for the
// class to predict, the live run, the answer next to what was measured,
// and the timeline of what the goroutines did.
//
// Keys: Enter, space or → go on; b or ← go back; r runs a demo again;
// g and a number, then Enter, go to that step; ? shows the keys; q
// quits. Every step and every pause inside a demo says so in a legend at
// its foot. At a pause inside a demo Enter or space go on, and q, g N
// and ? work as between steps. Ctrl-C ends the presentation wherever it
// is, in the middle of a demo too. On a terminal the screen is cleared
// between steps; otherwise the steps are printed one after the other,
// demos do not pause, and without any input at all the whole lesson runs
// through as a transcript.
//
// A demo's code step shows its story, not the stage around it: see
// story.go.
//
// Terminal etiquette: keys typed while nothing asked for one (during a
// demo, before the first step, before a pause's prompt) are discarded,
// not taken as the next step's keys; a resized terminal gets the step on
// its screen drawn again at its new size, and the next steps laid out
// for it.
package present

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/timeline"
)

// Options are how a lesson is presented.
type Options struct {
	// In gives the keys. Without it (nil) the presentation runs
	// through: every step in order, each demo run once, nothing waited
	// for, a transcript of the lesson.
	In  io.Reader
	Out io.Writer
	// Screen clears the screen between steps and lets demos pause before
	// their punchlines (a terminal).
	Screen        bool
	Width, Height int // of the terminal; 80x24 if unknown
	Theme         lesson.Theme
	Speed         float64 // demo speed: 0.25 is slow motion
	RaceExe       string  // a -race build for racy demos, if any
	// DemoMode is called before a demo runs and its result after: a
	// terminal in raw mode goes to a mode where Ctrl-C is a signal
	// (through Interrupt) while keys still come one at a time, unechoed,
	// for the demo's pauses.
	DemoMode func() (restore func())
	// Interrupt derives the context the presentation runs in, e.g. one
	// that signal.NotifyContext cancels on Ctrl-C. When it is cancelled
	// the presentation ends, in the middle of a demo too, and Present
	// returns its error.
	Interrupt func(context.Context) (context.Context, context.CancelFunc)
	// From is the step to start at, counting from 1 (0: the first).
	From int
	// DiscardInput throws away what was typed and not yet read (on a
	// terminal: tcflush). It is called at the start, before each pause
	// and when a demo ends, so that keys typed while nothing asked for
	// one (a demo running, conclab starting) do not move the
	// presentation on. Nil: nothing to discard.
	DiscardInput func()
	// Size reports the terminal's size now (ok false: keep the last
	// one). It is read before each step is drawn, so that a resized
	// terminal gets its steps laid out for the new size.
	Size func() (width, height int, ok bool)
	// Resized delivers when the terminal changes size (SIGWINCH): the
	// step on the screen is drawn again at the new size.
	Resized <-chan os.Signal
}

// maxText is the widest column of text: on a projector's wide terminal
// the slide is centred rather than stretched.
const maxText = 100

type kind int

const (
	textSlide kind = iota
	codeSlide
	predictSlide
	runSlide
	revealSlide
	timelineSlide
)

// slide is one step of the presentation.
type slide struct {
	kind  kind
	title string
	body  []string
	demo  int // index into the lesson's demos, for demo slides
	// A text slide's place, to find it again after a resize lays the
	// text out anew: which section (0 the title), and the page's first
	// line of the section's lines.
	section, first, lines int
}

// run is what a demo's run left behind.
type run struct {
	output string // as the demo printed it: wrapped and indented when shown
	// interrupted: Ctrl-C stopped the demo (its error says only that)
	interrupted bool
	stage       *lesson.Stage
	err         error
}

type presenter struct {
	l      lesson.Lesson
	o      Options
	slides []slide
	runs   map[int]*run
	keys   <-chan key
	// typedAhead is when the last live demo ended: on a terminal, keys
	// read before it were pressed during the demo (and not taken by its
	// pauses), and must not skip the slides that follow it.
	typedAhead time.Time
	live       *lineWriter // the running demo's output
	// stop is what a key at a demo's pause asked for that ends the demo
	// (quit, interrupt or jump, to target); cancelDemo ends it.
	stop       action
	target     int
	cancelDemo context.CancelFunc
	inPause    bool // resizes wait until the demo is over
}

// ErrNoStep is returned (wrapped) when Options.From names a step the
// lesson does not have.
var ErrNoStep = errors.New("no such step")

// Present shows lesson l until the last step is passed, q is pressed, or
// the input ends.
func Present(ctx context.Context, l lesson.Lesson, o Options) error {
	if o.Theme == nil {
		o.Theme = lesson.Plain{}
	}
	if o.Width <= 0 {
		o.Width = 80
	}
	if o.Height <= 0 {
		o.Height = 24
	}
	if o.Speed <= 0 {
		o.Speed = 1
	}
	if o.DemoMode == nil {
		o.DemoMode = func() func() { return func() {} }
	}
	if o.Interrupt == nil {
		o.Interrupt = context.WithCancel
	}
	ctx, stop := o.Interrupt(ctx)
	defer stop()
	done := make(chan struct{})
	defer close(done)
	p := &presenter{l: l, o: o, runs: make(map[int]*run), stop: none}
	if o.In != nil {
		// Keys typed before the first step is up (while a --race build
		// was made, say) were not meant for it.
		p.discard()
		p.keys = readKeys(o.In, done)
	}
	p.slides = p.build()
	if o.From > len(p.slides) || o.From < 0 {
		return fmt.Errorf("%w: lesson %d has steps 1 to %d, not %d", ErrNoStep, l.Number, len(p.slides), o.From)
	}

	for i := max(o.From-1, 0); i < len(p.slides); {
		i = p.fit(i)
		if err := p.show(ctx, i); err != nil {
			return err
		}
		a := p.stop // a key at a pause of the demo that just ran
		p.stop = none
		if a == none {
			i, a = p.move(ctx, i)
		}
		switch a {
		case jump:
			i = p.target
		case quit:
			fmt.Fprintln(p.o.Out, p.o.Theme.Dim("(presentation ended)"))
			return nil
		case interrupt:
			fmt.Fprintln(p.o.Out, p.o.Theme.Dim("(presentation interrupted)"))
			if err := ctx.Err(); err != nil {
				return err
			}
			return context.Canceled
		}
	}
	fmt.Fprintln(p.o.Out, p.o.Theme.Dim("(end of the lesson)"))
	return nil
}

// move waits for a key that changes what is on the screen and returns
// the step to show next (i itself to run its demo again, or to draw it
// again), or quit, interrupt or jump (to p.target). Keys that would
// change nothing (b on the first step, r where nothing runs) are ignored
// rather than redrawing the same step.
func (p *presenter) move(ctx context.Context, i int) (int, action) {
	if p.keys == nil {
		if ctx.Err() != nil {
			return i, interrupt
		}
		return i + 1, none
	}
	for {
		switch a := p.key(ctx); a {
		case next:
			return i + 1, none
		case back:
			if i > 0 {
				return i - 1, none
			}
		case rerun:
			if p.slides[i].kind == runSlide {
				delete(p.runs, p.slides[i].demo)
				return i, none
			}
		case quit, interrupt, jump:
			return i, a
		case help:
			p.showKeys(i)
			if k, ev := p.next(ctx); ev == cancelled || (ev == pressed && k == 3) {
				return i, interrupt
			}
			return i, none // the step again
		case redraw:
			if p.resized() {
				return i, none
			}
		}
	}
}

// keyLines are the keys, for ? and the keys screen.
var keyLines = []string{
	"Enter, space, → or n   next step",
	"b, ← or Backspace      step back",
	"r                      run the demo again (on its run step)",
	"g N Enter              go to step N (Esc: never mind)",
	"q                      quit",
	"Ctrl-C                 quit at once, in the middle of a demo too",
	"?                      these keys",
	"",
	"At a pause inside a demo (▸): Enter or space go on; q, g N, ? and",
	"Ctrl-C work as above.",
}

// showKeys draws the keys on a screen of their own, for step i.
func (p *presenter) showKeys(i int) {
	th := p.o.Theme
	var b bytes.Buffer
	margin := strings.Repeat(" ", max(0, (p.o.Width-maxText)/2))
	line := func(text string) { b.WriteString(margin + text + "\n") }
	if p.o.Screen {
		b.WriteString("\x1b[H\x1b[2J")
		line(th.Dim(fmt.Sprintf("conclab · lesson %d %s · keys (step %d of %d)", p.l.Number, p.l.Slug, i+1, len(p.slides))))
	}
	for _, h := range banner("Keys", min(p.o.Width, maxText)) {
		line(th.Heading(h))
	}
	line("")
	for _, k := range keyLines {
		line(k)
	}
	line("")
	line(th.Dim(fmt.Sprintf("any key: back to step %d", i+1)))
	_, _ = fmt.Fprint(p.o.Out, b.String())
}

// discard throws away the keys typed so far and not yet read.
func (p *presenter) discard() {
	if p.o.DiscardInput != nil {
		p.o.DiscardInput()
	}
}

// resized tells whether the terminal's size differs from the one the
// steps were laid out for.
func (p *presenter) resized() bool {
	if p.o.Size == nil {
		return false
	}
	w, h, ok := p.o.Size()
	return ok && (w != p.o.Width || h != p.o.Height)
}

// fit lays the steps out again when the terminal was resized, and
// returns where step i is in the new layout: the same demo step, or the
// page of the same section that shows about the same part of its text.
func (p *presenter) fit(i int) int {
	if !p.resized() {
		return i
	}
	old := p.slides[i]
	p.o.Width, p.o.Height, _ = p.o.Size()
	p.slides = p.build()
	found := i
	for j, s := range p.slides {
		switch {
		case old.kind != textSlide:
			if s.kind == old.kind && s.demo == old.demo {
				return j
			}
		case s.kind == textSlide && s.section == old.section:
			// The last page that starts no further into the section
			// than the old one did, in proportion.
			if s.first*old.lines <= old.first*s.lines {
				found = j
			}
		}
	}
	return min(found, len(p.slides)-1)
}

type action int

const (
	none action = iota
	next
	back
	rerun
	quit
	interrupt // Ctrl-C
	jump      // to p.target
	help      // ?
	redraw    // the terminal was resized
)

// key is one byte of input and when it was read.
type key struct {
	b  byte
	at time.Time
}

// readKeys delivers the bytes of in one by one, until in ends or done is
// closed.
func readKeys(in io.Reader, done <-chan struct{}) <-chan key {
	keys := make(chan key)
	go func() {
		defer close(keys)
		buf := make([]byte, 64)
		for {
			n, err := in.Read(buf)
			at := time.Now()
			for _, b := range buf[:n] {
				select {
				case keys <- key{b, at}:
				case <-done:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return keys
}

// key waits for a key that means something and says what.
func (p *presenter) key(ctx context.Context) action {
	pending := -1 // a key read after a lone ESC, to be taken next
	for {
		var k byte
		var ev event
		if pending >= 0 {
			k, ev, pending = byte(pending), pressed, -1
		} else {
			k, ev = p.next(ctx)
		}
		switch ev {
		case ended:
			return quit
		case cancelled:
			return interrupt
		case resize:
			return redraw
		}
		switch k {
		case '\r', '\n', ' ', 'n', 'l':
			return next
		case 'b', 'h', 'p', 127, 8:
			return back
		case 'r':
			return rerun
		case 'q', 4: // q, Ctrl-D
			return quit
		case 3: // Ctrl-C, where the terminal does not make it a signal
			return interrupt
		case '?':
			return help
		case 'g':
			switch a := p.readStep(ctx); a {
			case none:
				continue // never mind
			default:
				return a
			}
		case 0x1b: // arrows: ESC [ C (right) and ESC [ D (left)
			b, ev := p.next(ctx)
			switch ev {
			case ended:
				return quit
			case cancelled:
				return interrupt
			case resize:
				return redraw
			}
			if b != '[' {
				pending = int(b) // a lone Esc: the key after it counts
				continue
			}
			switch b, _ := p.next(ctx); b {
			case 'C', 'B':
				return next
			case 'D', 'A':
				return back
			}
		}
	}
}

// readStep reads the N and Enter after g, and returns jump (to
// p.target), none when the presenter thought better of it (Esc, or
// Enter with no number), or what ended the wait. On a screen what is
// typed shows on the line under the step.
func (p *presenter) readStep(ctx context.Context) action {
	var digits []byte
	say := func(text string) {
		if p.o.Screen {
			fmt.Fprint(p.o.Out, "\r\x1b[K"+text)
		}
	}
	prompt := func() {
		say(fmt.Sprintf("go to step (1 to %d): %s", len(p.slides), digits))
	}
	prompt()
	for {
		k, ev := p.next(ctx)
		switch ev {
		case ended:
			return quit
		case cancelled:
			return interrupt
		case resize:
			return redraw
		}
		switch {
		case k >= '0' && k <= '9' && len(digits) < 4:
			digits = append(digits, k)
		case (k == 127 || k == 8) && len(digits) > 0:
			digits = digits[:len(digits)-1]
		case k == 0x1b || ((k == '\r' || k == '\n') && len(digits) == 0):
			say("")
			return none
		case k == '\r' || k == '\n':
			n, _ := strconv.Atoi(string(digits))
			if n < 1 || n > len(p.slides) {
				digits = nil
				say(fmt.Sprintf("no step %d: go to step (1 to %d): ", n, len(p.slides)))
				continue
			}
			say("")
			p.target = n - 1
			return jump
		case k == 3:
			return interrupt
		case k == 'q':
			return quit
		}
		prompt()
	}
}

// event is what next saw.
type event int

const (
	pressed   event = iota // a key
	ended                  // the input ended
	cancelled              // ctx ended: Ctrl-C
	resize                 // the terminal was resized
)

// next is the next byte of input, or the event that came first.
func (p *presenter) next(ctx context.Context) (byte, event) {
	resized := p.o.Resized
	if p.inPause {
		resized = nil // the demo's step is drawn again when it is over
	}
	for {
		// Ctrl-C wins over keys already waiting: select picks among ready
		// cases at random, and a space typed ahead must not move the
		// presentation on after it was interrupted.
		if ctx.Err() != nil {
			return 0, cancelled
		}
		select {
		case <-ctx.Done():
			return 0, cancelled
		case <-resized:
			return 0, resize
		case k, ok := <-p.keys:
			if !ok {
				return 0, ended
			}
			if k.at.Before(p.typedAhead) {
				continue
			}
			return k.b, pressed
		}
	}
}

// build lays out the steps: the title, the text section by section, then
// each demo's code, question, run, answer and timeline.
func (p *presenter) build() []slide {
	l := p.l
	w := p.textWidth()
	room := p.o.Height - 8 // status, heading box, blank, footer
	var slides []slide
	intro, sections := splitSections(l.Text)
	title := append(wrap(l.Summary, w), "")
	title = append(title, wrap(intro, w)...)
	if p.o.RaceExe == "" && !lesson.RaceEnabled && slices.ContainsFunc(l.Demos, func(d lesson.Demo) bool { return d.Racy }) {
		// Said before the class is watching, not in the middle of a demo.
		title = append(title, "")
		title = append(title, wrap(fmt.Sprintf("(Tip: conclab present %d --race runs the racy demos under the race detector.)", l.Number), w)...)
	}
	slides = append(slides, pages(slide{kind: textSlide, title: fmt.Sprintf("Lesson %d: %s", l.Number, l.Title)}, title, room)...)
	for i, s := range sections {
		if strings.EqualFold(s.title, "Demos") {
			continue // the demos follow, one by one
		}
		slides = append(slides, pages(slide{kind: textSlide, title: s.title, section: i + 1}, wrap(s.body, w), room)...)
	}
	// The code gets every line under the heading: status, heading box
	// and blank above, the footer below, and the line the cursor ends on.
	codeRoom := p.o.Height - 7 - (len(legend(runFooter, w)) - 1)
	for i, d := range l.Demos {
		code := story(l, d, w, codeRoom)
		slides = append(slides,
			slide{kind: codeSlide, title: "Demo: " + d.Title, demo: i, body: code},
			slide{kind: predictSlide, title: "Predict", demo: i, body: wrap(p.question(d), w)},
			slide{kind: runSlide, title: "Run: " + d.Title, demo: i},
			slide{kind: revealSlide, title: "The answer", demo: i},
			slide{kind: timelineSlide, title: "What the goroutines did", demo: i},
		)
	}
	return slides
}

// question is the demo's predict question: its own, the presenter's
// table's, or one made from its title.
func (p *presenter) question(d lesson.Demo) string {
	if d.Predict != "" {
		return d.Predict
	}
	if q, ok := questions[p.l.Slug+"/"+d.Name]; ok {
		return q.predict
	}
	return fmt.Sprintf("%s: what will this demo show? Decide before it runs.", d.Title)
}

func (p *presenter) answer(d lesson.Demo) string {
	if d.Answer != "" {
		return d.Answer
	}
	if q, ok := questions[p.l.Slug+"/"+d.Name]; ok {
		return q.answer
	}
	return ""
}

func (p *presenter) textWidth() int { return min(p.o.Width, maxText) - 4 }

// show draws step i, running its demo if it is a run step seen for the
// first time.
func (p *presenter) show(ctx context.Context, i int) error {
	s := p.slides[i]
	th := p.o.Theme
	var b bytes.Buffer
	if p.o.Screen {
		b.WriteString("\x1b[H\x1b[2J")
	} else {
		b.WriteString(th.Dim(fmt.Sprintf("──── step %d of %d ────", i+1, len(p.slides))) + "\n")
	}
	margin := strings.Repeat(" ", max(0, (p.o.Width-maxText)/2))
	line := func(text string) { b.WriteString(margin + text + "\n") }
	if p.o.Screen {
		line(th.Dim(fmt.Sprintf("conclab · lesson %d %s · step %d of %d", p.l.Number, p.l.Slug, i+1, len(p.slides))))
	}
	for _, h := range banner(s.title, min(p.o.Width, maxText)) {
		line(th.Heading(h))
	}
	line("")
	footer := "Enter/space: next   b: back   g N: go to   q: quit   ?: keys"
	switch s.kind {
	case predictSlide:
		for _, t := range s.body {
			line(th.Finding(t))
		}
		line("")
		line("Think about it, discuss, then press Enter to run the demo.")
	case runSlide:
		fmt.Fprint(p.o.Out, b.String())
		b.Reset()
		r, err := p.run(ctx, s.demo, margin)
		if err != nil {
			return err
		}
		if p.stop != none || ctx.Err() != nil {
			return nil // a key at a pause, or Ctrl-C, ended the presentation
		}
		if r.err != nil && !r.interrupted {
			line(th.Warning(fmt.Sprintf("the demo failed: %v", r.err)))
		}
		line("")
		footer = runFooter
	case revealSlide:
		p.reveal(s.demo, line)
	case timelineSlide:
		r := p.runs[s.demo]
		if r == nil {
			line("(run the demo first: press b)")
			break
		}
		for _, t := range p.timeline(r) {
			line(t)
		}
	default:
		for _, t := range s.body {
			line(t)
		}
	}
	if i == len(p.slides)-1 {
		footer = "Enter: end   b: back   g N: go to   q: quit   ?: keys"
	}
	if p.keys != nil {
		for _, f := range legend(footer, p.textWidth()) {
			line(th.Dim(f))
		}
	}
	_, err := fmt.Fprint(p.o.Out, b.String())
	return err
}

// runFooter is the longest footer, a run step's.
const runFooter = "Enter: reveal the answer   r: run it again   b: back   q: quit   ?: keys"

// legend lays out a footer's keys ("Enter: next   q: quit") in lines
// of at most width, breaking between keys, not inside one.
func legend(keys string, width int) []string {
	var out []string
	line := ""
	for _, k := range strings.Split(keys, "   ") {
		switch {
		case line == "":
			line = k
		case len([]rune(line))+3+len([]rune(k)) <= width:
			line += "   " + k
		default:
			out = append(out, line)
			line = k
		}
	}
	return append(out, line)
}

// timeline draws the run's lanes to fit the slide: as wide as the text,
// and on a screen no taller than the room under the heading (the lanes
// that do not fit are counted instead).
func (p *presenter) timeline(r *run) []string {
	width := min(p.o.Width, maxText)
	draw := func(maxLanes int) []string {
		var tl bytes.Buffer
		_ = timeline.RenderLanes(&tl, r.stage.Lanes(), r.stage.Events(), width, maxLanes, p.o.Theme)
		var lines []string
		for _, t := range strings.Split(strings.TrimRight(tl.String(), "\n"), "\n") {
			// The prose under the lanes wraps; the lanes fit already.
			lines = append(lines, wrapVisible(t, width)...)
		}
		return lines
	}
	lines := draw(0)
	room := p.o.Height - 6 // status line, heading box, blank, footer
	if over := len(lines) - room; p.o.Screen && over > 0 {
		// One line more for the count of the lanes left out.
		lines = draw(max(3, len(r.stage.Lanes())-over-1))
	}
	return lines
}

// run runs demo i live on the screen, once; later visits show what it
// printed.
func (p *presenter) run(ctx context.Context, i int, margin string) (*run, error) {
	if r, ok := p.runs[i]; ok {
		// Laid out afresh: the terminal may have changed size since.
		replay := &lineWriter{w: p.o.Out, margin: margin, width: p.textWidth()}
		_, _ = io.WriteString(replay, r.output)
		replay.Flush()
		fmt.Fprintln(p.o.Out, p.o.Theme.Dim(margin+"(the recorded run: press r to run it again)"))
		return r, nil
	}
	// The claim is not shown before the run: it would answer the
	// predict question. The answer step shows it next to the findings.
	d := p.l.Demos[i]
	restore := p.o.DemoMode()
	outer := ctx
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	p.cancelDemo = stop
	live := &lineWriter{w: p.o.Out, margin: margin, width: p.textWidth(), record: new(bytes.Buffer)}
	p.live = live
	s := lesson.NewStage(lesson.Options{
		Out:        live,
		Theme:      p.o.Theme,
		Speed:      p.o.Speed,
		Presenting: p.o.Screen && p.keys != nil,
		PauseFunc:  p.pause,
		Lesson:     p.l.Slug,
		RaceExe:    p.o.RaceExe,
	})
	child, err := lesson.Play(ctx, s, d)
	r := &run{stage: s, err: err}
	if child != nil && strings.Contains(child.Stderr, "WARNING: DATA RACE") {
		fmt.Fprintln(live, p.o.Theme.Warning(fmt.Sprintf("The race detector printed %d DATA RACE report(s) (conclab run %s %s --race shows them in full).",
			strings.Count(child.Stderr, "WARNING: DATA RACE"), p.l.Slug, d.Name)))
	}
	if ctx.Err() != nil {
		if p.stop == jump || (p.stop == none && outer.Err() == nil) {
			fmt.Fprintln(live, p.o.Theme.Warning("interrupted: the demo was stopped"))
		}
		r.err, r.interrupted = ctx.Err(), true
	}
	live.Flush()
	r.output = live.record.String()
	p.runs[i] = r
	// Keys typed while the demo ran were not meant for the steps after
	// it. A line not ended by Enter is still in the terminal's line
	// buffer: discard it before the terminal goes raw (which would hand
	// it over as keys), and once more after, for what came in between.
	// Keys already read are older than typedAhead and skipped.
	p.discard()
	restore()
	p.discard()
	if p.o.Screen {
		p.typedAhead = time.Now()
	}
	return r, nil
}

// pause waits before a demo's punchline, with the keys in a legend
// under its prompt: Enter or space go on; q, Ctrl-C and g N end the demo
// and quit or go to a step; ? shows the keys. While a demo runs the
// terminal hands over keys one at a time without echo, and Ctrl-C is a
// signal (cancelling ctx). Only keys pressed once the prompt is up
// count: one pressed before, while the demo ran, was not for this pause.
func (p *presenter) pause(ctx context.Context, prompt string) error {
	p.discard()
	p.typedAhead = time.Now()
	th := p.o.Theme
	fmt.Fprintln(p.live, th.Finding("▸ "+prompt))
	legend := th.Dim("Enter/space: go on   q: quit   g N: go to   ?: keys")
	mark := p.live.writeRaw(legend + "\n")
	p.inPause = true
	defer func() { p.inPause = false }()
	for {
		a := p.key(ctx)
		switch a {
		case next:
			// The legend is done with: off the screen, unless the demo
			// printed after it.
			if p.o.Screen {
				p.live.eraseLast(mark)
			}
			return nil
		case help:
			var b strings.Builder
			for _, k := range keyLines {
				b.WriteString("  " + k + "\n")
			}
			p.live.writeRaw(th.Dim(b.String()))
			mark = -1
		case quit, interrupt, jump:
			p.stop = a
			p.cancelDemo()
			if err := ctx.Err(); err != nil {
				return err
			}
			return context.Canceled
		}
	}
}

// reveal shows the answer: the expected one, the claim, and what this run
// measured.
func (p *presenter) reveal(i int, line func(string)) {
	d := p.l.Demos[i]
	th := p.o.Theme
	w := p.textWidth()
	if a := p.answer(d); a != "" {
		for _, t := range wrap(a, w) {
			line(th.Finding(t))
		}
		line("")
	}
	for _, t := range wrap("Claim: "+d.Claim, w) {
		line(t)
	}
	r := p.runs[i]
	if r == nil {
		return
	}
	line("")
	fs := r.stage.Findings()
	if len(fs) == 0 {
		line(th.Dim("(this run measured nothing)"))
	} else {
		line("Measured this run:")
	}
	for _, f := range fs {
		line(th.Finding("  » " + f.String()))
	}
	switch {
	case r.interrupted:
		line(th.Warning("(the run was interrupted: b goes back to it, r runs it again)"))
	case r.err != nil:
		line(th.Warning(fmt.Sprintf("(the run ended with an error: %v)", r.err)))
	}
}

// banner draws a heading large: letter-spaced capitals in a box, or plain
// capitals when spaced ones do not fit.
func banner(title string, width int) []string {
	inner := width - 4
	text := strings.ToUpper(title)
	if spaced := letterSpace(text); len([]rune(spaced)) <= inner-2 {
		text = spaced
	}
	if r := []rune(text); len(r) > inner-2 {
		text = string(r[:inner-3]) + "…"
	}
	n := len([]rune(text)) + 2
	return []string{
		"┏" + strings.Repeat("━", n+2) + "┓",
		"┃  " + text + "  ┃",
		"┗" + strings.Repeat("━", n+2) + "┛",
	}
}

func letterSpace(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 {
			b.WriteRune(' ')
		}
		if r == ' ' {
			b.WriteString("  ")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pages splits a long body over several slides of at most room lines.
func pages(s slide, body []string, room int) []slide {
	room = max(room, 5)
	for len(body) > 0 && strings.TrimSpace(body[len(body)-1]) == "" {
		body = body[:len(body)-1]
	}
	var out []slide
	s.lines = len(body)
	for len(body) > room {
		cut := room
		// Prefer to break at a blank line in the lower half.
		for c := room; c > room/2; c-- {
			if strings.TrimSpace(body[c-1]) == "" {
				cut = c
				break
			}
		}
		page := s
		page.body = body[:cut]
		out = append(out, page)
		body = body[cut:]
		s.first += cut
		s.title = strings.TrimSuffix(s.title, " (continued)") + " (continued)"
	}
	s.body = body
	return append(out, s)
}

// lineWriter lays a live demo's output out like the slide around it:
// each line indented by the margin and wrapped at the width, so that a
// long line does not break mid-word at the terminal's edge.
type lineWriter struct {
	mu      sync.Mutex // the demo's goroutines and its pauses write
	w       io.Writer
	margin  string
	width   int
	partial []byte
	record  *bytes.Buffer // if set, keeps what was written, unwrapped
	lines   int           // written so far
}

// writeRaw writes text (whole lines) laid out but not recorded: a
// legend that a replay of the run does not show. It returns a mark for
// eraseLast.
func (lw *lineWriter) writeRaw(text string) int {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		_ = lw.put(l)
	}
	return lw.lines
}

// eraseLast takes the last line written off a terminal's screen, if
// nothing was written since writeRaw returned mark.
func (lw *lineWriter) eraseLast(mark int) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if mark >= 0 && lw.lines == mark {
		_, _ = io.WriteString(lw.w, "\x1b[1A\r\x1b[2K")
	}
}

func (lw *lineWriter) Write(b []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.record != nil {
		lw.record.Write(b)
	}
	lw.partial = append(lw.partial, b...)
	for {
		i := bytes.IndexByte(lw.partial, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := strings.TrimSuffix(string(lw.partial[:i]), "\r")
		lw.partial = lw.partial[i+1:]
		if err := lw.put(line); err != nil {
			return 0, err
		}
	}
}

// Flush writes a last line that did not end.
func (lw *lineWriter) Flush() {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if len(lw.partial) > 0 {
		_ = lw.put(string(lw.partial))
		lw.partial = nil
	}
}

func (lw *lineWriter) put(line string) error {
	var b strings.Builder
	for _, l := range wrapVisible(line, lw.width) {
		lw.lines++
		if l == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString(lw.margin + l + "\n")
	}
	_, err := io.WriteString(lw.w, b.String())
	return err
}

// wrapVisible breaks a line of terminal output at spaces so that no
// piece is wider than width on screen (colour escapes take no room);
// the pieces keep the line's indentation.
func wrapVisible(line string, width int) []string {
	width = max(width, 20)
	indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
	if len(indent) > width/2 {
		indent = ""
	}
	var out []string
	for {
		cut, space, n, esc := -1, -1, 0, false
	scan:
		for i, r := range line {
			switch {
			case esc:
				esc = r != 'm'
				continue
			case r == '\x1b':
				esc = true
				continue
			case n == width:
				if r == ' ' {
					space = i
				}
				cut = i
				break scan
			case r == ' ' && n > len(indent):
				space = i
			}
			n++
		}
		if cut < 0 {
			return append(out, line)
		}
		if space > 0 {
			out = append(out, strings.TrimRight(line[:space], " "))
			line = indent + strings.TrimLeft(line[space:], " ")
		} else {
			out = append(out, line[:cut])
			line = indent + line[cut:]
		}
	}
}
