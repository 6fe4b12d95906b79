// Package lessontest runs lesson demos inside tests: fast, bounded by a
// deadline, checked for leaked goroutines, with their findings at hand;
// and checks a lesson's stepper levels with the stepper's search (Levels).
//
// A lesson package's tests look like this:
//
//	func TestMain(m *testing.M) { lessontest.Main(m, race.Lesson) }
//
//	func TestLostUpdate(t *testing.T) {
//		r := lessontest.Run(t, race.Lesson, "lost-update")
//		assert.Positive(t, r.Finding(t, "lost"))
//	}
package lessontest

import (
	"bytes"
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/conclab/conclab/lessons/lesson"
)

// Main is a lesson package's TestMain. It first serves child processes
// (a demo re-executing the test binary, lesson.ServeChild), then runs the
// tests and fails the package if any goroutine outlives them.
func Main(m *testing.M, lessons ...lesson.Lesson) {
	lesson.ServeChild(lessons...)
	goleak.VerifyTestMain(m)
}

// Result is what a demo did.
type Result struct {
	Stage  *lesson.Stage
	Output string              // everything the stage printed
	Child  *lesson.ChildResult // set when the demo ran in a child process (Racy under -race)
	Err    error
}

// Finding returns the value of the finding called name, failing the test
// if the demo did not record it.
func (r *Result) Finding(t testing.TB, name string) float64 {
	t.Helper()
	f, ok := r.Stage.Lookup(name)
	require.Truef(t, ok, "the demo recorded no finding %q; it recorded %v\noutput:\n%s", name, r.Stage.Findings(), r.Output)
	return f.Value
}

type config struct {
	speed    float64
	deadline time.Duration
	opts     lesson.Options
	allowErr bool
}

// Option changes how Run plays a demo.
type Option func(*config)

// Speed plays the demo at speed f (default 10: ten times faster).
func Speed(f float64) Option { return func(c *config) { c.speed = f } }

// Deadline bounds the demo in real time (default 60 s).
func Deadline(d time.Duration) Option { return func(c *config) { c.deadline = d } }

// AllowError lets the demo return an error, kept in Result.Err.
func AllowError() Option { return func(c *config) { c.allowErr = true } }

// Run plays demo name of l: in-process, or in a child process when the
// demo is racy and this test binary runs under the race detector. It fails
// t if the demo errs, outlives its deadline (with every goroutine's stack)
// or leaves goroutines running.
func Run(t testing.TB, l lesson.Lesson, name string, opts ...Option) *Result {
	t.Helper()
	c := config{speed: 10, deadline: time.Minute}
	for _, o := range opts {
		o(&c)
	}
	d, err := l.Demo(name)
	require.NoError(t, err)

	ignore := goleak.IgnoreCurrent()
	var out syncBuffer
	c.opts.Out = &out
	c.opts.Speed = c.speed
	c.opts.Lesson = l.Slug
	s := lesson.NewStage(c.opts)

	ctx, cancel := context.WithTimeout(context.Background(), c.deadline)
	defer cancel()
	type played struct {
		child *lesson.ChildResult
		err   error
	}
	done := make(chan played, 1)
	go func() {
		child, err := lesson.Play(ctx, s, d)
		done <- played{child, err}
	}()
	var p played
	select {
	case p = <-done:
	case <-time.After(c.deadline + 5*time.Second):
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("demo %s/%s did not return within %v of its deadline; goroutines:\n%s\noutput:\n%s",
			l.Slug, name, c.deadline, buf[:n], out.String())
	}
	r := &Result{Stage: s, Output: out.String(), Child: p.child, Err: p.err}
	if !c.allowErr {
		require.NoErrorf(t, p.err, "demo %s/%s failed; output:\n%s", l.Slug, name, r.Output)
	}
	goleak.VerifyNone(t, ignore)
	return r
}

// syncBuffer is a bytes.Buffer safe for the stage's writers and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
