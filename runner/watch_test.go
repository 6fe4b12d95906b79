package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons/lesson"
)

// TestDebounceChecksOnceAfterABurst saves five times 50 ms apart: one
// check follows, 300 ms after the last save; a later save checks again.
func TestDebounceChecksOnceAfterABurst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		events := make(chan struct{})
		var fired []time.Duration
		start := time.Now()
		done := make(chan error)
		go func() {
			done <- debounce(ctx, events, 300*time.Millisecond, func(context.Context) { fired = append(fired, time.Since(start)) })
		}()
		for range 5 {
			events <- struct{}{}
			time.Sleep(50 * time.Millisecond)
		}
		// The last save was at 200 ms: the check comes at 500 ms.
		time.Sleep(time.Second)
		synctest.Wait()
		assert.Equal(t, []time.Duration{500 * time.Millisecond}, fired, "a burst of saves checks once, a quiet period after the last")

		events <- struct{}{}
		time.Sleep(time.Second)
		synctest.Wait()
		assert.Len(t, fired, 2, "a later save checks again")
		cancel()
		assert.ErrorIs(t, <-done, context.Canceled)
	})
}

// TestKeyPressesFallback: without file watching, each line on stdin is a
// request to check, and the end of stdin ends the loop after a last check.
func TestKeyPressesFallback(t *testing.T) {
	n := 0
	for range keyPresses(t.Context(), strings.NewReader("\n\n\n")) {
		n++
	}
	assert.Equal(t, 3, n, "three lines on stdin are three requests")

	var fired atomic.Int32
	err := debounce(t.Context(), keyPresses(t.Context(), strings.NewReader("\n")), time.Hour, func(context.Context) { fired.Add(1) })
	require.NoError(t, err, "the end of stdin ends watch")
	assert.Equal(t, int32(1), fired.Load(), "a request pending when stdin ends is still checked")
}

// TestFileSavesSeesAWrite watches a real folder: writing the learner's
// file is reported, writing another file is not.
func TestFileSavesSeesAWrite(t *testing.T) {
	dir := t.TempDir()
	saves, stop, err := fileSaves(dir, []string{"counter.go"})
	require.NoError(t, err, "fsnotify must work on a temporary folder")
	defer stop()

	require.NoError(t, os.WriteFile(filepath.Join(dir, "other.go"), []byte("x"), 0o644))
	select {
	case <-saves:
		t.Fatal("a file that is not the learner's must not trigger a check")
	case <-time.After(200 * time.Millisecond):
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "counter.go"), []byte("package counter\n"), 0o644))
	select {
	case <-saves:
	case <-time.After(10 * time.Second):
		t.Fatal("saving counter.go was not reported within 10s")
	}
}

// TestWatchWithoutATerminalChecksOnce runs watch with standard input that
// is not a terminal (a script, CI): it checks once, says it is not
// watching, and ends with the check's exit code instead of waiting for
// saves that no one will make. The counter's stub fails: exit 1.
func TestWatchWithoutATerminalChecksOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an exercise under -race")
	}
	// In a workspace of the learner's: the source tree has none (and
	// the loop refuses to run there).
	repo, err := filepath.Abs("..") // go.mod and go.sum, as main embeds them
	require.NoError(t, err)
	ws := filepath.Join(t.TempDir(), "ws")
	var initOut strings.Builder
	require.Equal(t, 0, Main(context.Background(), []string{"init", ws}, &App{Stdin: strings.NewReader(""), Stdout: &initOut, Stderr: &initOut,
		Getenv: func(string) string { return "" }, Theme: lesson.Plain{}, Width: 80,
		Module: os.DirFS(repo)}), initOut.String())
	t.Chdir(ws)
	var out, errOut strings.Builder
	app := &App{
		Stdin:     strings.NewReader(""),
		Stdout:    &out,
		Stderr:    &errOut,
		Getenv:    func(string) string { return "" },
		Theme:     lesson.Plain{},
		Width:     80,
		StatePath: filepath.Join(t.TempDir(), "progress.json"),
		Module:    os.DirFS(repo),
	}
	// Generous: one check of one exercise under -race on a busy machine.
	// A watch that waited for saves would still be waiting when it ends.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code := Main(ctx, []string{"watch", "counter"}, app)
	require.NoError(t, ctx.Err(), "watch waited for saves without a terminal; output:\n%s", out.String())
	assert.Equal(t, 1, code, "the stub fails its check; stderr: %s", errOut.String())
	assert.Contains(t, out.String(), "checking 1 counter")
	assert.Contains(t, out.String(), "not a terminal: checked once, not watching")
}
