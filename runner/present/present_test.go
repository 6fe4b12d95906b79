package present_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/present"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// twoWorkers is a small real demo: two goroutines take one mutex in turn.
func twoWorkers(ctx context.Context, s *lesson.Stage) error {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane := s.Lane([]string{"alice", "bob"}[i])
			lane.Start()
			defer lane.Done()
			lane.Waiting("mu")
			mu.Lock()
			lane.Acquired("mu")
			total++
			_ = s.Sleep(ctx, 20*time.Millisecond)
			lane.Released("mu")
			mu.Unlock()
		}()
	}
	wg.Wait()
	s.Say("Both workers are done: the total below counts the increments that arrived under the mutex, one at a time, never two.")
	if err := s.Pause(ctx, "how many increments arrived?"); err != nil {
		return err
	}
	s.Finding("total", float64(total), "increments")
	return nil
}

var runs atomic.Int32

func testLesson() lesson.Lesson {
	return lesson.Lesson{
		Number: 9, Slug: "demo", Title: "A test lesson", Summary: "one line",
		Text: "# A test lesson\n\nIntro text.\n\n## First idea\n\nA paragraph about **mutexes** that is long enough to be wrapped at the width of a small terminal, twice over.\n\n- a list item\n- another\n\n```go\nmu.Lock()\n```\n\n## Demos\n\nskipped\n\n## Recap\n\nLock it.\n",
		Demos: []lesson.Demo{{
			Name: "two-workers", Title: "Two workers", Claim: "both increments arrive",
			Predict: "Two goroutines add 1 under a mutex. What will total show?",
			Answer:  "2: the mutex lets one in at a time.",
			Run: func(ctx context.Context, s *lesson.Stage) error {
				runs.Add(1)
				return twoWorkers(ctx, s)
			},
		}},
	}
}

func present1(t *testing.T, keys string, width int) string {
	t.Helper()
	var out bytes.Buffer
	err := present.Present(context.Background(), testLesson(), present.Options{In: strings.NewReader(keys), Out: &out, Width: width, Height: 24, Speed: 10})
	require.NoError(t, err)
	return out.String()
}

func TestWholeLesson(t *testing.T) {
	runs.Store(0)
	out := present1(t, strings.Repeat("\n", 20), 80)
	// The title with the summary and the intro, first idea, recap; then
	// the demo's code, predict, run, answer, timeline.
	assert.Contains(t, out, "step 8 of 8")
	assert.NotContains(t, out, "step 9 of")
	assert.NotContains(t, out, "skipped", "the Demos section is replaced by the demos themselves")
	assert.Contains(t, out, "┃  L E S S O N    9 :    A    T E S T    L E S S O N  ┃")
	assert.Contains(t, out, "A paragraph about mutexes", "markdown emphasis is dropped")
	assert.Contains(t, out, "  - a list item")
	assert.Contains(t, out, "    mu.Lock()")
	// The predict question comes before the run, the answer after it.
	q := strings.Index(out, "Two goroutines add 1 under a mutex. What will total show?")
	r := strings.Index(out, "» total: 2 increments")
	a := strings.Index(out, "2: the mutex lets one in at a time.")
	require.True(t, q >= 0 && r >= 0 && a >= 0, out)
	assert.Less(t, q, r, "the question is asked before the demo runs")
	assert.Less(t, r, a, "the answer is revealed after the run")
	assert.Contains(t, out[a:], "  » total: 2 increments", "the answer shows what this run measured")
	assert.Greater(t, strings.Index(out, "Claim: both increments arrive"), a, "the claim would answer the question: it comes with the answer, not before the run")
	assert.Contains(t, out, "mu: held by at most 1 lane at once", "the timeline follows the answer")
	assert.Contains(t, out, "(end of the lesson)")
	assert.Equal(t, int32(1), runs.Load())
	// The demo's source excerpt is read from this file: not testLesson
	// around the closure (which holds the answer), but twoWorkers, which
	// the closure calls and which has the go statement and the lock.
	assert.NotContains(t, out, "func testLesson()")
	assert.Contains(t, out, "\nfunc twoWorkers(ctx context.Context, s *lesson.Stage) error {\n")
	// Its story, without the stage: no narration, pause, finding or lane.
	code := out[strings.Index(out, "T W O    W O R K E R S"):strings.Index(out, "step 5 of 8")]
	for _, plumbing := range []string{"s.Say(", "s.Pause(", "s.Finding(", "lane"} {
		assert.NotContains(t, code, plumbing, "the code step shows the story, not the stage")
	}
	assert.Contains(t, out, "        go func() {\n")
	assert.Contains(t, out, "            mu.Lock()\n")
	for i, line := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), 100, "line %d: %q", i+1, line)
	}
}

func TestBackShowsTheRecordedRun(t *testing.T) {
	runs.Store(0)
	// Go to the run (step 6), back to the question, forward again: the
	// demo does not run twice. Then r runs it again, and q quits.
	out := present1(t, strings.Repeat(" ", 5)+"b"+" "+"r"+"q", 80)
	assert.Equal(t, int32(2), runs.Load(), "one run, then one more for r")
	assert.Equal(t, 2, strings.Count(out, "step 5 of 8"), "b went back to the question")
	assert.Equal(t, 3, strings.Count(out, "step 6 of 8"), "the run, the recorded run, the run again")
	assert.Equal(t, 1, strings.Count(out, "(the recorded run: press r to run it again)"))
	assert.Less(t, strings.Index(out, "(the recorded run"), strings.LastIndex(out, "» total: 2 increments"), "r ran it after the recorded run was shown")
	assert.Contains(t, out, "(presentation ended)")
	assert.NotContains(t, out, "T H E    A N S W E R", "q quit before the answer")
	assert.NotContains(t, out, "step 7 of 8")
}

func TestBackAtStartAndArrows(t *testing.T) {
	out := present1(t, "bb\x1b[C\x1b[Dq", 80)
	assert.Equal(t, 2, strings.Count(out, "step 1 of 8"), "b at the start changes nothing (no redraw), ← comes back")
	assert.Equal(t, 1, strings.Count(out, "step 2 of 8"), "→ advances")
	assert.Contains(t, out, "(presentation ended)")
}

func TestIgnoredKeys(t *testing.T) {
	runs.Store(0)
	// r on a text step, x, and a lone Esc change nothing; the q after
	// the Esc still quits.
	out := present1(t, "rx\x1bq", 80)
	assert.Equal(t, 1, strings.Count(out, "step 1 of 8"))
	assert.Contains(t, out, "(presentation ended)")
	assert.Equal(t, int32(0), runs.Load())
}

func TestInputEnds(t *testing.T) {
	// A script that stops early ends the presentation instead of waiting.
	out := present1(t, "  ", 80)
	assert.Contains(t, out, "step 3 of 8")
	assert.NotContains(t, out, "step 4 of 8")
	assert.Contains(t, out, "(presentation ended)")
}

func TestWideAndNarrow(t *testing.T) {
	wide := present1(t, "q", 160)
	assert.Contains(t, wide, strings.Repeat(" ", 30)+"┏", "a wide terminal centres the slide")
	narrow := present1(t, "q", 40)
	for _, line := range strings.Split(narrow, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), 40, "%q", line)
	}
}

func TestLiveOutputFitsTheSlide(t *testing.T) {
	// Up to the run (step 6) and its answer at 80 columns: the demo's own
	// long line is wrapped at a space, not cut by the terminal.
	narrow := present1(t, strings.Repeat(" ", 6)+"q", 80)
	assert.Contains(t, narrow, "\nBoth workers are done: the total below counts the increments that arrived\nunder the mutex, one at a time, never two.\n")
	for _, line := range strings.Split(narrow, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), 80, "%q", line)
	}
	// At 160 the run is centred like the rest of the slide, in its
	// column of text.
	wide := present1(t, strings.Repeat(" ", 6)+"q", 160)
	margin := strings.Repeat(" ", 30)
	assert.Contains(t, wide, "\n"+margin+"Both workers are done: the total below counts the increments that arrived under the mutex, one\n"+margin+"at a time, never two.\n")
	assert.Contains(t, wide, "\n"+margin+"» total: 2 increments\n")
}

// TestCtrlCEndsThePresentation: Ctrl-C in the middle of a demo stops
// the demo and ends the presentation (not only the demo): the keys typed
// after it must not reach the steps that would follow.
func TestCtrlCEndsThePresentation(t *testing.T) {
	l := testLesson()
	var ctrlC context.CancelFunc
	l.Demos[0].Run = func(ctx context.Context, s *lesson.Stage) error {
		s.Say("waiting for Ctrl-C")
		ctrlC()      // as signal.NotifyContext does on SIGINT
		<-ctx.Done() // the demo would run forever without it
		return ctx.Err()
	}
	var out bytes.Buffer
	err := present.Present(context.Background(), l, present.Options{
		In: strings.NewReader(strings.Repeat(" ", 10)), Out: &out, Width: 80, Height: 24,
		Interrupt: func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, ctrlC = context.WithCancel(ctx)
			return ctx, ctrlC
		},
	})
	require.ErrorIs(t, err, context.Canceled, "Ctrl-C ends the presentation with the interruption's error (exit 130)")
	got := out.String()
	assert.Contains(t, got, "waiting for Ctrl-C\n")
	assert.Contains(t, got, "(presentation interrupted)")
	assert.NotContains(t, got, "the demo failed", "an interruption is not a failure")
	assert.NotContains(t, got, "step 7 of 8", "the presentation did not go on to the answer")
}

// TestCtrlCKeyEndsThePresentation: between steps the terminal is raw,
// and Ctrl-C arrives as a key: it ends the presentation too.
func TestCtrlCKeyEndsThePresentation(t *testing.T) {
	var out bytes.Buffer
	err := present.Present(context.Background(), testLesson(), present.Options{In: strings.NewReader(" \x03 "), Out: &out, Width: 80, Height: 24})
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, out.String(), "step 2 of 8")
	assert.NotContains(t, out.String(), "step 3 of 8", "nothing after Ctrl-C moved the presentation")
	assert.Contains(t, out.String(), "(presentation interrupted)")
}

// TestGoToStep: g, a number and Enter go to that step; a step the
// lesson does not have, or Esc, changes nothing; --from starts there.
func TestGoToStep(t *testing.T) {
	runs.Store(0)
	out := present1(t, "g7\rg99\rg\x1bg2\rq", 80)
	assert.Equal(t, []string{"1", "7", "2"}, stepsShown(out), "g7 to the answer, g99 and Esc ignored, g2 back")
	assert.Equal(t, int32(0), runs.Load(), "going past a demo's run step does not run it")
	assert.Contains(t, out, "Claim: both increments arrive", "step 7 is the answer")

	var from bytes.Buffer
	require.NoError(t, present.Present(context.Background(), testLesson(), present.Options{In: strings.NewReader(" q"), Out: &from, From: 5}))
	assert.Equal(t, []string{"5", "6"}, stepsShown(from.String()), "--from 5 starts at the question, Space runs the demo")
	assert.Equal(t, int32(1), runs.Load())

	err := present.Present(context.Background(), testLesson(), present.Options{In: strings.NewReader("q"), Out: io.Discard, From: 9})
	require.ErrorIs(t, err, present.ErrNoStep)
	assert.Contains(t, err.Error(), "steps 1 to 8")
}

// stepsShown lists the steps a transcript drew, in order.
func stepsShown(out string) []string {
	var steps []string
	for _, m := range regexp.MustCompile(`──── step (\d+) of \d+ ────`).FindAllStringSubmatch(out, -1) {
		steps = append(steps, m[1])
	}
	return steps
}

// TestKeysScreen: ? shows every key; any key goes back to the step.
func TestKeysScreen(t *testing.T) {
	out := present1(t, "?xq", 80)
	assert.Equal(t, []string{"1", "1"}, stepsShown(out), "the step, the keys, the step again")
	keys := out[strings.Index(out, "K E Y S"):]
	for _, k := range []string{"g N Enter", "Ctrl-C", "run the demo again", "At a pause inside a demo"} {
		assert.Contains(t, keys, k)
	}
	assert.Contains(t, out, "?: keys", "every step's legend names ?")
}

// TestKeysAtAPause: at a pause inside a demo the legend shows the keys,
// q ends the demo and the presentation, and g N goes to a step.
func TestKeysAtAPause(t *testing.T) {
	for _, c := range []struct {
		name, keys string
		want       []string // the steps drawn after the run
	}{
		{"q", "q", nil},
		{"g", "g2\r", []string{"2"}},
		{"Enter", "\r", []string{"7"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			keys, typing := io.Pipe()
			out := &screenWriter{}
			legend := "Enter/space: go on   q: quit   g N: go to   ?: keys"
			out.hooks = []screenHook{
				{legend, func() { go func() { _, _ = io.WriteString(typing, c.keys) }() }},
				{"Enter: reveal the answer", func() { go func() { _, _ = io.WriteString(typing, " ") }() }},
				{"step 2 of 8", func() { go func() { _, _ = io.WriteString(typing, "q") }() }},
				{"step 7 of 8", func() { go func() { _, _ = io.WriteString(typing, "q") }() }},
			}
			done := make(chan error, 1)
			go func() {
				done <- present.Present(context.Background(), testLesson(), present.Options{
					In: keys, Out: out, Screen: true, Width: 80, Height: 24, Speed: 10,
				})
			}()
			_, _ = io.WriteString(typing, "g6\r") // to the run
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Fatalf("the presentation did not end within 30s; the screen:\n%s", out.String())
			}
			typing.Close()
			got := out.String()
			run := strings.Index(got, "step 6 of 8")
			require.Positive(t, run, got)
			after := got[run:]
			assert.Contains(t, after, "▸ how many increments arrived?")
			assert.Contains(t, after, legend, "the pause shows its keys")
			var steps []string
			for _, m := range regexp.MustCompile(`step (\d+) of 8`).FindAllStringSubmatch(after[len("step 6 of 8"):], -1) {
				steps = append(steps, m[1])
			}
			assert.Equal(t, c.want, steps)
			if c.name != "Enter" {
				assert.NotContains(t, after, "» total", "the demo stopped at its pause")
				assert.Contains(t, got, "(presentation ended)")
			} else {
				assert.Contains(t, after, "» total: 2 increments")
			}
		})
	}
}

func TestRaceTip(t *testing.T) {
	l := testLesson()
	var out bytes.Buffer
	require.NoError(t, present.Present(context.Background(), l, present.Options{In: strings.NewReader("q"), Out: &out}))
	assert.NotContains(t, out.String(), "--race", "no racy demo, no tip")

	l.Demos[0].Racy = true
	out.Reset()
	require.NoError(t, present.Present(context.Background(), l, present.Options{In: strings.NewReader("q"), Out: &out}))
	if lesson.RaceEnabled {
		assert.NotContains(t, out.String(), "--race", "a -race build runs racy demos under the detector already")
	} else {
		assert.Contains(t, out.String(), "(Tip: conclab present 9 --race runs the racy demos under the race detector.)")
	}
	out.Reset()
	require.NoError(t, present.Present(context.Background(), l, present.Options{In: strings.NewReader("q"), Out: &out, RaceExe: "/path/to/conclab-race"}))
	assert.NotContains(t, out.String(), "Tip:", "--race given")
}

// TestInputDiscardedAroundTheDemo: what was typed is thrown away before
// the first step, and when a demo ends both before and after the
// terminal leaves the demo's line mode (a line without Enter still in the
// terminal's buffer would otherwise arrive as keys).
func TestInputDiscardedAroundTheDemo(t *testing.T) {
	var log []string
	var out bytes.Buffer
	err := present.Present(context.Background(), testLesson(), present.Options{
		In: strings.NewReader(strings.Repeat(" ", 6) + "q"), Out: &out, Width: 80, Height: 24, Speed: 10,
		DiscardInput: func() { log = append(log, "discard") },
		DemoMode: func() func() {
			log = append(log, "line mode")
			return func() { log = append(log, "raw mode") }
		},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"discard", "line mode", "discard", "raw mode", "discard"}, log)
	assert.Contains(t, out.String(), "step 7 of 8", "the keys after the demo still count")
}

// TestSizeReadBeforeEachStep: a terminal made narrower after the first
// step gets the next one laid out for its new width.
func TestSizeReadBeforeEachStep(t *testing.T) {
	var calls atomic.Int32
	var out bytes.Buffer
	err := present.Present(context.Background(), testLesson(), present.Options{
		In: strings.NewReader(" q"), Out: &out, Width: 80, Height: 24,
		Size: func() (int, int, bool) {
			if calls.Add(1) == 1 {
				return 80, 24, true
			}
			return 40, 24, true
		},
	})
	require.NoError(t, err)
	got := out.String()
	second := strings.Index(got, "step 2 of")
	require.Positive(t, second, got)
	assert.Contains(t, got[:second], "┃  L E S S O N    9 :    A    T E S T    L E S S O N  ┃", "step 1 at 80 columns")
	for _, line := range strings.Split(got[second:], "\n") {
		assert.LessOrEqual(t, len([]rune(line)), 40, "step 2 at 40 columns: %q", line)
	}
}

// screenWriter is the presentation's output, watched: when it first
// shows text, its hook runs (in the presentation's goroutine).
type screenWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	hooks []screenHook
}

type screenHook struct {
	text string
	do   func()
}

func (w *screenWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func (w *screenWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(b)
	for i, h := range w.hooks {
		if h.do != nil && strings.Contains(w.buf.String(), h.text) {
			w.hooks[i].do = nil
			h.do()
		}
	}
	return len(b), nil
}

// TestResizeRedrawsTheStep: on a resize the step on the screen is drawn
// again at the new size; a run step shows its recorded run, wrapped and
// centred anew, without running the demo again.
func TestResizeRedrawsTheStep(t *testing.T) {
	runs.Store(0)
	var width atomic.Int32
	width.Store(80)
	resized := make(chan os.Signal, 1)
	keys, typing := io.Pipe()
	out := &screenWriter{}
	out.hooks = []screenHook{
		{"Enter: reveal the answer", func() { width.Store(160); resized <- os.Interrupt /* any signal: SIGWINCH on a terminal */ }},
		{"(the recorded run", func() { _, _ = io.WriteString(typing, "q") }},
	}
	err := make(chan error, 1)
	go func() {
		err <- present.Present(context.Background(), testLesson(), present.Options{
			In: keys, Out: out, Width: 80, Height: 24, Speed: 10,
			Size:    func() (int, int, bool) { return int(width.Load()), 24, true },
			Resized: resized,
		})
	}()
	_, _ = io.WriteString(typing, strings.Repeat(" ", 5)) // to the run, step 6
	select {
	case e := <-err:
		require.NoError(t, e)
	case <-time.After(30 * time.Second):
		t.Fatalf("no redraw after the resize within 30s; the screen:\n%s", out.buf.String())
	}
	typing.Close()

	got := out.buf.String()
	assert.Equal(t, int32(1), runs.Load(), "the redraw shows the recorded run")
	assert.Equal(t, 2, strings.Count(got, "step 6 of 8"), "the run step, then the same step redrawn")
	redraw := strings.LastIndex(got, "step 6 of 8")
	margin := strings.Repeat(" ", 30)
	assert.Contains(t, got[:redraw], "\nBoth workers are done: the total below counts the increments that arrived\nunder the mutex, one at a time, never two.\n", "the live run at 80 columns")
	assert.Contains(t, got[redraw:], "\n"+margin+"Both workers are done: the total below counts the increments that arrived under the mutex, one\n"+margin+"at a time, never two.\n", "the recorded run wrapped again at 160")
	assert.Contains(t, got, "(presentation ended)")
}
