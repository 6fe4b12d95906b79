package once_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	once "github.com/conclab/conclab/lessons/10-once"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/lessontest"
	"github.com/conclab/conclab/lessons/traceback"
)

func TestMain(m *testing.M) { lessontest.Main(m, once.Lesson) }

// These demos block goroutines on mutexes (the singleton's, and the one
// inside sync.Once) while the builder sleeps. A synctest bubble does not
// count that as durably blocked and would never advance its clock, so
// they run in real time; what they assert does not depend on timing.

func TestLockedSingletonBuildsOnce(t *testing.T) {
	r := lessontest.Run(t, once.Lesson, "locked-singleton")
	assert.Equal(t, 1.0, r.Finding(t, "constructed"), "the lock and the second check allow one construction")
	assert.Equal(t, 1.0, r.Finding(t, "distinct"), "all 20 calls got the same object")
	tookLock := r.Finding(t, "took-lock")
	// All ten usually see nil and queue on the lock; how many arrive
	// before the builder has stored the object is up to the scheduler.
	assert.GreaterOrEqual(t, tookLock, 1.0, "the builder took the lock")
	assert.LessOrEqual(t, tookLock, 10.0)
	assert.Equal(t, 0.0, r.Finding(t, "took-lock-later"), "once built, the first check skips the lock")

	// The timeline: one holder at a time, each preceded by a wait.
	holder, waits, acquired := -1, 0, 0
	for _, e := range r.Stage.Events() {
		if e.Object != "singleton lock" {
			continue
		}
		switch e.Kind {
		case lesson.Waiting:
			waits++
		case lesson.Acquired:
			assert.Equal(t, -1, holder, "two goroutines held the singleton lock at once")
			holder = e.Lane
			acquired++
		case lesson.Released:
			assert.Equal(t, holder, e.Lane, "released by a goroutine that did not hold it")
			holder = -1
		}
	}
	assert.Equal(t, tookLock, float64(acquired), "every call that took the lock is on the timeline")
	assert.Equal(t, acquired, waits, "each acquisition was preceded by a wait")
	assert.Len(t, r.Stage.Lanes(), 10, "one lane per caller")
}

func TestUnlockedSingleton(t *testing.T) {
	r := lessontest.Run(t, once.Lesson, "unlocked-singleton", lessontest.Deadline(3*time.Minute))
	assert.Equal(t, 10.0, r.Finding(t, "constructed"), "every goroutine saw nil, so every one built")
	d := r.Finding(t, "distinct")
	assert.GreaterOrEqual(t, d, 1.0)
	assert.LessOrEqual(t, d, 10.0)
	if lesson.RaceEnabled {
		require.NotNil(t, r.Child, "under -race a racy demo runs in a child process")
		assertRaceAt(t, r.Child.Stderr, "instance = c // ...then act")
		return
	}
	require.Nil(t, r.Child, "without -race the demo runs in this process")
	assert.Contains(t, r.Output, "Run it with --race", "without the detector the demo says how to see it")
}

func TestPlainCheckBuildsOnceAndStillRaces(t *testing.T) {
	r := lessontest.Run(t, once.Lesson, "plain-check", lessontest.Deadline(3*time.Minute))
	assert.Equal(t, 1.0, r.Finding(t, "constructed"), "the lock and the second check allow one construction")
	assert.Equal(t, 1.0, r.Finding(t, "distinct"), "all 11 callers got the same object")
	if lesson.RaceEnabled {
		require.NotNil(t, r.Child, "under -race a racy demo runs in a child process")
		assertRaceAt(t, r.Child.Stderr, "if c := p.instance; c != nil { // first check, no lock")
		return
	}
	require.Nil(t, r.Child)
	assert.Contains(t, r.Output, "Run it with --race")
}

// assertRaceAt checks that the detector reported a race in singleton.go
// at the line that contains text.
func assertRaceAt(t *testing.T, stderr, text string) {
	t.Helper()
	assert.Contains(t, stderr, "WARNING: DATA RACE")
	races := traceback.ParseRaces(stderr)
	require.NotEmpty(t, races, "stderr:\n%s", stderr)
	f, ok := traceback.UserFrame(races[0].Current.Frames, nil)
	require.True(t, ok)
	assert.Equal(t, "singleton.go", filepath.Base(f.File))
	line := lineOf(t, "singleton.go", text)
	var named bool
	for _, r := range races {
		for _, fr := range [][]traceback.Frame{r.Current.Frames, r.Previous.Frames} {
			if f, ok := traceback.UserFrame(fr, nil); ok && f.Line == line {
				named = true
			}
		}
	}
	assert.True(t, named, "a report names the assignment at singleton.go:%d\n%s", line, stderr)
}

func TestOnceBuildsOnceFor100(t *testing.T) {
	for _, name := range []string{"once", "once-value"} {
		t.Run(name, func(t *testing.T) {
			r := lessontest.Run(t, once.Lesson, name)
			assert.Equal(t, 100.0, r.Finding(t, "callers"))
			assert.Equal(t, 1.0, r.Finding(t, "constructed"), "the constructor ran more than once")
			assert.Equal(t, 1.0, r.Finding(t, "distinct"), "callers got different pointers")
		})
	}
}

func TestOnceRemembersFailure(t *testing.T) {
	r := lessontest.Run(t, once.Lesson, "once-error")
	assert.Equal(t, 1.0, r.Finding(t, "attempts"), "the failed constructor was retried")
	assert.Equal(t, 3.0, r.Finding(t, "failures"), "every call gets the first call's error")
	assert.Equal(t, 3, strings.Count(r.Output, "no such file"))
}

// TestWithRaceExe plays the racy demos the way `conclab run once --race`
// does from a binary built without -race: the child runs in a separate
// -race build, Options.RaceExe.
func TestWithRaceExe(t *testing.T) {
	if lesson.RaceEnabled {
		t.Skip("this test binary is itself a -race build; TestUnlockedSingleton covers it")
	}
	if testing.Short() {
		t.Skip("builds a -race binary")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command to build a -race binary")
	}
	exe := filepath.Join(t.TempDir(), "racemain")
	out, err := exec.Command(goCmd, "build", "-race", "-o", exe, "./testdata/racemain").CombinedOutput()
	require.NoError(t, err, "building the -race stand-in: %s", out)

	for _, c := range []struct {
		demo, line  string
		constructed float64
	}{
		{"unlocked-singleton", "instance = c // ...then act", 10},
		{"plain-check", "if c := p.instance; c != nil { // first check, no lock", 1},
	} {
		t.Run(c.demo, func(t *testing.T) {
			var buf strings.Builder
			s := lesson.NewStage(lesson.Options{Out: &buf, Speed: 10, Lesson: once.Lesson.Slug, RaceExe: exe})
			d, err := once.Lesson.Demo(c.demo)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			child, err := lesson.Play(ctx, s, d)
			require.NoError(t, err, "output:\n%s", buf.String())
			require.NotNil(t, child, "with RaceExe a racy demo runs in the race build")
			assertRaceAt(t, child.Stderr, c.line)
			constructed, ok := s.Lookup("constructed")
			require.True(t, ok, "the child's findings reach the parent stage")
			assert.Equal(t, c.constructed, constructed.Value)
			assert.NotContains(t, buf.String(), "Run it with --race", "the race build does not ask for --race")
		})
	}
}

// lineOf returns the number of the line of file that contains text, which
// must occur exactly once.
func lineOf(t *testing.T, file, text string) int {
	t.Helper()
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	found := 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), text) {
			require.Zerof(t, found, "%q occurs twice in %s", text, file)
			found = n
		}
	}
	require.NotZerof(t, found, "%q is not in %s", text, file)
	return found
}
