package race_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	race "github.com/conclab/conclab/lessons/02-race"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/lessontest"
	"github.com/conclab/conclab/lessons/traceback"
)

func TestMain(m *testing.M) { lessontest.Main(m, race.Lesson) }

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

// racyLine is the line of lostupdate.go with the unguarded counter++.
func racyLine(t *testing.T) int {
	return lineOf(t, "lostupdate.go", "counter++ // LOAD counter, ADD 1, STORE counter")
}

func TestLostUpdate(t *testing.T) {
	if lesson.RaceEnabled {
		// Under -race the demo runs in a child built with -race: the
		// detector's report is what it proves.
		r := lessontest.Run(t, race.Lesson, "lost-update", lessontest.Speed(50), lessontest.Deadline(3*time.Minute))
		require.NotNil(t, r.Child, "under -race a racy demo runs in a child process")
		assert.Contains(t, r.Child.Stderr, "WARNING: DATA RACE")
		races := traceback.ParseRaces(r.Child.Stderr)
		require.NotEmpty(t, races, "the child's stderr:\n%s", r.Child.Stderr)
		f, ok := traceback.UserFrame(races[0].Current.Frames, nil)
		require.True(t, ok)
		assert.Equal(t, "lostupdate.go", filepath.Base(f.File))
		assert.Equal(t, racyLine(t), f.Line, "the report names the counter++ line")
		total, lost := r.Finding(t, "total"), r.Finding(t, "lost")
		assert.Equal(t, float64(race.Expected), total+lost)
		return
	}
	// Without -race it runs here and must actually lose updates. Each
	// goroutine's loop lasts about a millisecond; n++ compiles to one
	// INC instruction, which loses updates only when two cores run it at
	// once. A machine busy with other processes sometimes gives the two
	// threads one core after the other, so the demo gets tries spread
	// over up to 20 s, and every try must add up.
	deadline := time.Now().Add(20 * time.Second)
	lostAny := false
	tries := 0
	for !lostAny && time.Now().Before(deadline) {
		tries++
		r := lessontest.Run(t, race.Lesson, "lost-update", lessontest.Speed(50))
		require.Nil(t, r.Child)
		total, lost := r.Finding(t, "total"), r.Finding(t, "lost")
		assert.Equal(t, float64(race.Expected), total+lost, "total and lost add up to 2,000,000")
		assert.LessOrEqual(t, total, float64(race.Expected), "a race loses updates, it never invents them")
		assert.Positive(t, total, "the goroutines ran")
		if lost > 0 {
			lostAny = true
			assert.Contains(t, r.Output, "LOAD the value into a register, ADD 1, STORE it back")
			assert.Equal(t, float64(strings.Count(r.Output, "all 2,000,000 arrived")+1), r.Finding(t, "tries"),
				"every try that lost nothing was reported")
			t.Logf("try %d lost %s of %s updates", tries, lesson.Number(lost), lesson.Number(race.Expected))
		} else {
			assert.Contains(t, r.Output, "Nothing was lost in 10 tries")
			assert.Equal(t, 10.0, r.Finding(t, "tries"), "the demo tried again before giving up")
			time.Sleep(10 * time.Millisecond) // let the machine's load shift
		}
	}
	assert.True(t, lostAny, "two goroutines doing n++ on a shared int lost no update in %d tries over 20 s", tries)
}

func TestLostUpdateOneThread(t *testing.T) {
	if lesson.RaceEnabled {
		t.Skip("under -race the demo runs in a child process, with its own GOMAXPROCS")
	}
	previous := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(previous)
	r := lessontest.Run(t, race.Lesson, "lost-update", lessontest.Speed(50))
	assert.Contains(t, r.Output, "GOMAXPROCS is 1", "the demo says what is true with one thread")
	assert.NotContains(t, r.Output, "different cores", "with one thread nothing runs on different cores")
	assert.Equal(t, 1.0, r.Finding(t, "tries"), "with one thread there is no busy core to wait for")
	if r.Finding(t, "lost") == 0 {
		assert.Contains(t, r.Output, "took turns on one thread")
	}
}

func TestFixesLoseNothing(t *testing.T) {
	elapsed := map[string]float64{}
	for _, name := range []string{"mutex", "atomic", "owner"} {
		t.Run(name, func(t *testing.T) {
			r := lessontest.Run(t, race.Lesson, name, lessontest.Speed(50), lessontest.Deadline(3*time.Minute))
			assert.Equal(t, float64(race.Expected), r.Finding(t, "total"), "every update arrives")
			assert.Zero(t, r.Finding(t, "lost"))
			elapsed[name] = r.Finding(t, "elapsed")
			assert.Positive(t, r.Finding(t, "per-update"), "the cost is measured")
			assert.Contains(t, r.Output, "[g1]")
			assert.Contains(t, r.Stage.Lanes(), "g2")
		})
	}
	t.Logf("elapsed (ms): %v", elapsed)
}

func TestOwnerIsTheOnlyOneTouchingTheCounter(t *testing.T) {
	r := lessontest.Run(t, race.Lesson, "owner", lessontest.Speed(50), lessontest.Deadline(3*time.Minute))
	assert.Equal(t, []string{"owner", "g1", "g2"}, r.Stage.Lanes())
	// The owner finishes only after both senders: it drains until close.
	var ownerDone, lastSender int
	for i, e := range r.Stage.Events() {
		lane := r.Stage.Lanes()[e.Lane]
		if e.Kind == lesson.Done && lane == "owner" {
			ownerDone = i
		}
		if e.Kind == lesson.Done && lane != "owner" {
			lastSender = max(lastSender, i)
		}
	}
	assert.Greater(t, ownerDone, lastSender, "the owner stops after every sender is done")
}

func TestDetector(t *testing.T) {
	if !lesson.RaceEnabled {
		r := lessontest.Run(t, race.Lesson, "detector")
		assert.Contains(t, r.Output, "run it with --race", "without the detector the demo says what to do in one line")
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(r.Output), "\n")+1, "one clear line, not a failure")
		return
	}
	r := lessontest.Run(t, race.Lesson, "detector", lessontest.Deadline(3*time.Minute))
	assertDetectorExplains(t, r.Output, r.Finding(t, "exit-code"), r.Finding(t, "reports"))
}

// assertDetectorExplains checks what the detector demo printed: Go's own
// report, then the explanation naming the counter++ line with its code.
func assertDetectorExplains(t *testing.T, out string, exitCode, reports float64) {
	t.Helper()
	line := racyLine(t)
	assert.Contains(t, out, "WARNING: DATA RACE", "Go's own report is shown")
	assert.Equal(t, 66.0, exitCode, "GORACE exitcode=66: the child found a race")
	assert.GreaterOrEqual(t, reports, 1.0)
	assert.Contains(t, out, "In plain words")
	assert.Contains(t, out, "counter at lostupdate.go:"+strconv.Itoa(line)+" while goroutine", "the explanation names the line")
	assert.Contains(t, out, "neither waited for the other")
	assert.Contains(t, out, "> "+strconv.Itoa(line)+" |", "the source line is shown")
	assert.Contains(t, out, "counter++ is three steps (load, add, store)")
	assert.Contains(t, out, "was started by the go statement at lostupdate.go:")
}

func TestMapWrites(t *testing.T) {
	r := lessontest.Run(t, race.Lesson, "map-writes", lessontest.Deadline(2*time.Minute))
	line := strconv.Itoa(lineOf(t, "mapwrites.go", "ages[k%1000] = k"))
	_, fatal := r.Stage.Lookup("fatal")
	raced := strings.Contains(r.Output, "WARNING: DATA RACE")
	if !lesson.RaceEnabled {
		require.True(t, fatal, "the runtime stopped the program:\n%s", r.Output)
		assert.False(t, raced)
	} else {
		// Under -race the detector may report the two writers before the
		// map's own check stops the program, or after: either is Go's
		// own report, and either is explained.
		require.True(t, fatal || raced, "neither a fatal error nor a race report:\n%s", r.Output)
	}
	if fatal {
		assert.Equal(t, 2.0, r.Finding(t, "exit-code"), "a fatal error exits with status 2")
		// Mostly the map's check ("concurrent map writes"); now and then
		// the writers corrupt the map first and it dies of a fault.
		assert.Regexp(t, `fatal error: (concurrent map writes|fault|unexpected signal)`, r.Output)
		assert.Contains(t, r.Output, "was writing the map at mapwrites.go:"+line, "the explanation names the line")
		assert.Less(t, r.Finding(t, "until-fault"), 20_000.0, "the fault comes long before the time limit")
	}
	if raced {
		assert.Contains(t, r.Output, "The race detector saw the two goroutines first")
		assert.Contains(t, r.Output, "wrote ages[k%1000] at mapwrites.go:"+line, "the explanation names the line")
	}
	assert.Contains(t, r.Output, "> "+line+" |", "the source line is shown")
	assert.Contains(t, r.Output, "A map is not safe for concurrent use")
}

// TestWithRaceExe plays the demos the way `conclab run race --race` does
// from a binary built without -race: children that ask for the race
// detector run a separate -race build, Options.RaceExe.
func TestWithRaceExe(t *testing.T) {
	if lesson.RaceEnabled {
		t.Skip("this test binary is itself a -race build; TestDetector covers it")
	}
	if testing.Short() {
		t.Skip("builds a -race binary")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command to build a -race binary")
	}
	exe := filepath.Join(t.TempDir(), "racemain")
	build := exec.Command(goCmd, "build", "-race", "-o", exe, "./testdata/racemain")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the -race stand-in: %s", out)

	play := func(t *testing.T, name string) (*lesson.Stage, *lesson.ChildResult, string) {
		var buf strings.Builder
		s := lesson.NewStage(lesson.Options{Out: &buf, Speed: 50, Lesson: race.Lesson.Slug, RaceExe: exe})
		d, err := race.Lesson.Demo(name)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		child, err := lesson.Play(ctx, s, d)
		require.NoError(t, err, "output:\n%s", buf.String())
		return s, child, buf.String()
	}

	t.Run("detector", func(t *testing.T) {
		s, _, out := play(t, "detector")
		exitCode, _ := s.Lookup("exit-code")
		reports, _ := s.Lookup("reports")
		assertDetectorExplains(t, out, exitCode.Value, reports.Value)
	})
	t.Run("lost-update", func(t *testing.T) {
		s, child, _ := play(t, "lost-update")
		require.NotNil(t, child, "with RaceExe a racy demo runs in the race build")
		assert.Contains(t, child.Stderr, "WARNING: DATA RACE")
		total, ok := s.Lookup("total")
		require.True(t, ok, "the child's findings reach the parent stage")
		lost, _ := s.Lookup("lost")
		assert.Equal(t, float64(race.Expected), total.Value+lost.Value)
		races := traceback.ParseRaces(child.Stderr)
		require.NotEmpty(t, races)
		f, ok := traceback.UserFrame(races[0].Current.Frames, nil)
		require.True(t, ok)
		assert.Equal(t, racyLine(t), f.Line)
	})
}
