package lesson_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons/lesson"
)

func TestScaleStretchesAndShrinksLimitOnlyStretches(t *testing.T) {
	slow := lesson.NewStage(lesson.Options{Speed: 0.25})
	assert.Equal(t, 4*time.Second, slow.Scale(time.Second), "at speed 0.25 a sleep lasts four times as long")
	assert.Equal(t, 4*time.Second, slow.Limit(time.Second), "at speed 0.25 a watchdog waits four times as long")

	fast := lesson.NewStage(lesson.Options{Speed: 10})
	assert.Equal(t, 100*time.Millisecond, fast.Scale(time.Second), "at speed 10 a sleep lasts a tenth")
	assert.Equal(t, time.Second, fast.Limit(time.Second), "a faster speed must never shorten a watchdog: the machine is no faster")

	normal := lesson.NewStage(lesson.Options{})
	assert.Equal(t, time.Second, normal.Scale(time.Second), "speed 0 means 1")
	assert.Equal(t, time.Second, normal.Limit(time.Second))
}

func TestSleepLastsFourTimesAsLongAtQuarterSpeed(t *testing.T) {
	for _, c := range []struct {
		speed float64
		want  time.Duration
	}{{1, 300 * time.Millisecond}, {0.25, 1200 * time.Millisecond}, {10, 30 * time.Millisecond}} {
		synctest.Test(t, func(t *testing.T) {
			s := lesson.NewStage(lesson.Options{Speed: c.speed})
			begin := time.Now()
			require.NoError(t, s.Sleep(context.Background(), 300*time.Millisecond))
			assert.Equal(t, c.want, time.Since(begin), "Sleep(300ms) at speed %v", c.speed)
		})
	}
}

// TestPausesAreLeftOutOfTheClock: a presenter who talks for a minute in
// the middle of a demo does not stretch its timeline.
func TestPausesAreLeftOutOfTheClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		talk := func(ctx context.Context, _ string) error {
			time.Sleep(time.Minute) // the class discusses
			return nil
		}
		s := lesson.NewStage(lesson.Options{Presenting: true, PauseFunc: talk})
		ctx := context.Background()
		l := s.Lane("worker")
		require.NoError(t, s.Sleep(ctx, 100*time.Millisecond))
		l.Start()
		require.NoError(t, s.Pause(ctx, "what next?"))
		l.Printf("after the pause")
		require.NoError(t, s.Sleep(ctx, 50*time.Millisecond))
		require.NoError(t, s.Pause(ctx, "and now?"))
		l.Done()

		var at []time.Duration
		for _, e := range s.Events() {
			at = append(at, e.At)
		}
		assert.Equal(t, []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 150 * time.Millisecond}, at,
			"events are timed on the demo's clock, which starts at 0 and stands still during the two one-minute pauses")
		assert.Equal(t, 150*time.Millisecond, s.Since())
	})
}

func TestPauseWhileGoroutinesRecordFreezesTheClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		talk := func(ctx context.Context, _ string) error {
			<-release
			return nil
		}
		s := lesson.NewStage(lesson.Options{Presenting: true, PauseFunc: talk})
		l := s.Lane("worker")
		paused := make(chan error)
		go func() { paused <- s.Pause(context.Background(), "wait") }()
		synctest.Wait() // the pause has begun
		time.Sleep(time.Minute)
		l.Start() // recorded during the pause: at the instant the pause began
		close(release)
		require.NoError(t, <-paused)
		time.Sleep(time.Second)
		l.Done()
		evs := s.Events()
		require.Len(t, evs, 2)
		assert.Equal(t, time.Duration(0), evs[0].At, "an event during a pause is timed at its start")
		assert.Equal(t, time.Second, evs[1].At, "the clock runs again after the pause, without the minute spent in it")
	})
}

func TestPrintfIsOnTheTimeline(t *testing.T) {
	var out bytes.Buffer
	s := lesson.NewStage(lesson.Options{Out: &out})
	s.Lane("server").Printf("served request %d", 1)
	evs := s.Events()
	require.Len(t, evs, 1, "a lane that only prints still shows on the timeline")
	assert.Equal(t, lesson.Printed, evs[0].Kind)
	assert.Contains(t, out.String(), "[server]   served request 1")
}

// TestChildWatchdogIsStretchedAtSlowSpeed: a watchdog of 150 ms at speed
// 0.25 waits 600 ms before it stops the child. (A lower bound on real
// time: a timer never fires early, so this cannot fail by chance.)
func TestChildWatchdogIsStretchedAtSlowSpeed(t *testing.T) {
	s := lesson.NewStage(lesson.Options{Lesson: "fixture", Speed: 0.25})
	res, err := s.Child(context.Background(), lesson.ChildSpec{Name: "sleeps", Timeout: 150 * time.Millisecond})
	require.NoError(t, err)
	assert.True(t, res.TimedOut, "the child sleeps for an hour: the watchdog must end it")
	assert.GreaterOrEqual(t, res.Elapsed, 600*time.Millisecond, "at speed 0.25 the 150 ms watchdog lasts 600 ms; the child was stopped after %v", res.Elapsed)
}

// TestBoundDeadlineSkipsPauses: a connection's safety deadline does not
// run out while the class talks, and still ends a wait for a peer that
// never answers, its limit after the pause.
func TestBoundDeadlineSkipsPauses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		talk := func(ctx context.Context, _ string) error {
			time.Sleep(time.Minute) // six times the connection's limit
			return nil
		}
		s := lesson.NewStage(lesson.Options{Presenting: true, PauseFunc: talk})
		client, server := net.Pipe()
		defer client.Close()
		s.Bound(server, 10*time.Second)

		read := make(chan error, 1)
		go func() {
			_, err := server.Read(make([]byte, 1))
			read <- err
		}()
		require.NoError(t, s.Pause(context.Background(), "who hears it?"))
		_, err := client.Write([]byte{'x'})
		require.NoError(t, err, "the server was still reading after a one-minute pause")
		require.NoError(t, <-read)

		pauseEnded := time.Now()
		_, err = server.Read(make([]byte, 1))
		require.ErrorIs(t, err, os.ErrDeadlineExceeded, "a peer that never answers still ends the wait")
		assert.Equal(t, 10*time.Second, time.Since(pauseEnded), "the limit counts from the end of the pause")
	})
}
