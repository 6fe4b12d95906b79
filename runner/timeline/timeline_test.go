package timeline_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/timeline"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// recording builds an event sequence the way a stage records one.
type recording struct {
	lanes  []string
	events []lesson.Event
}

func (r *recording) lane(name string) int {
	for i, l := range r.lanes {
		if l == name {
			return i
		}
	}
	r.lanes = append(r.lanes, name)
	return len(r.lanes) - 1
}

func (r *recording) add(ms int, lane string, kind lesson.Kind, object string) {
	r.events = append(r.events, lesson.Event{At: time.Duration(ms) * time.Millisecond, Lane: r.lane(lane), Kind: kind, Object: object})
}

// semaphore: 10 tasks of 100 ms, at most 3 inside, as lesson 6 records
// them (each released seat is taken by the next waiter at the same
// instant).
func semaphore() recording {
	var r recording
	for i := range 10 {
		r.add(0, fmt.Sprintf("task %d", i+1), lesson.Started, "")
		r.add(0, fmt.Sprintf("task %d", i+1), lesson.Waiting, "sem")
	}
	for i := range 10 {
		name := fmt.Sprintf("task %d", i+1)
		at := (i / 3) * 100
		r.add(at, name, lesson.Acquired, "sem")
		r.add(at+100, name, lesson.Released, "sem")
		r.add(at+100, name, lesson.Done, "")
	}
	sortByTime(&r)
	return r
}

// sortByTime orders events by time, keeping the recorded order of
// simultaneous ones, except that releases come before acquisitions at the
// same instant (a seat is given back before it is taken).
func sortByTime(r *recording) {
	rank := func(e lesson.Event) int {
		switch e.Kind {
		case lesson.Released, lesson.Done:
			return 0
		}
		return 1
	}
	evs := r.events
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0; j-- {
			a, b := evs[j-1], evs[j]
			if a.At > b.At || (a.At == b.At && rank(a) > rank(b)) {
				evs[j-1], evs[j] = b, a
			}
		}
	}
}

// deadlock: Tom->Jack locks Tom then waits for Jack; Jack->Tom locks Jack
// then waits for Tom; nobody ever moves again.
func deadlock() recording {
	var r recording
	r.add(0, "Tom->Jack 5000", lesson.Started, "")
	r.add(0, "Jack->Tom 200", lesson.Started, "")
	r.add(5, "Tom->Jack 5000", lesson.Acquired, "Tom")
	r.add(6, "Jack->Tom 200", lesson.Acquired, "Jack")
	r.add(50, "Tom->Jack 5000", lesson.Waiting, "Jack")
	r.add(52, "Jack->Tom 200", lesson.Waiting, "Tom")
	r.add(300, "main", lesson.Started, "")
	r.add(300, "main", lesson.Waiting, "wg")
	return r
}

// rwmutex: four readers overlap, then a writer holds the lock alone while
// two late readers wait for it.
func rwmutex() recording {
	var r recording
	for i := range 4 {
		name := fmt.Sprintf("reader %d", i+1)
		r.add(i*2, name, lesson.Started, "")
		r.add(i*2, name, lesson.Waiting, "rw")
		r.add(i*2+1, name, lesson.Acquired, "rw")
	}
	r.add(10, "writer", lesson.Started, "")
	r.add(10, "writer", lesson.Waiting, "rw")
	for i := range 4 {
		name := fmt.Sprintf("reader %d", i+1)
		r.add(50+i, name, lesson.Released, "rw")
		r.add(50+i, name, lesson.Done, "")
	}
	r.add(53, "writer", lesson.Acquired, "rw")
	for i := 4; i < 6; i++ {
		name := fmt.Sprintf("reader %d", i+1)
		r.add(60, name, lesson.Started, "")
		r.add(60, name, lesson.Waiting, "rw")
	}
	r.add(103, "writer", lesson.Released, "rw")
	r.add(103, "writer", lesson.Done, "")
	for i := 4; i < 6; i++ {
		name := fmt.Sprintf("reader %d", i+1)
		r.add(103, name, lesson.Acquired, "rw")
		r.add(150, name, lesson.Released, "rw")
		r.add(150, name, lesson.Done, "")
	}
	sortByTime(&r)
	return r
}

// channel: a producer sends three items to a slow consumer over an
// unbuffered channel.
func channel() recording {
	var r recording
	r.add(0, "producer", lesson.Started, "")
	r.add(0, "consumer", lesson.Started, "")
	for i := range 3 {
		r.add(i*40, "producer", lesson.Waiting, "jobs")
		r.add(i*40+30, "consumer", lesson.Received, "jobs")
		r.add(i*40+30, "producer", lesson.Sent, "jobs")
	}
	r.add(120, "producer", lesson.Done, "")
	r.add(125, "consumer", lesson.Done, "")
	return r
}

func golden(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run go test ./runner/timeline -update and review the diff")
	assert.Equal(t, string(want), got, "timeline %s differs from %s (run with -update to accept, then review the diff)", name, path)
}

func TestGolden(t *testing.T) {
	cases := map[string]recording{
		"semaphore": semaphore(),
		"deadlock":  deadlock(),
		"rwmutex":   rwmutex(),
		"channel":   channel(),
	}
	for name, rec := range cases {
		for _, width := range []int{80, 130, 40} {
			t.Run(fmt.Sprintf("%s-%d", name, width), func(t *testing.T) {
				var b bytes.Buffer
				require.NoError(t, timeline.Render(&b, rec.lanes, rec.events, width, lesson.Plain{}))
				// Every line fits, prose included: conclab run prints the
				// timeline as it is, and a terminal would break a longer
				// line anywhere.
				for i, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
					assert.LessOrEqual(t, len([]rune(line)), width, "line %d is wider than the %d-column terminal: %q", i+1, width, line)
				}
				golden(t, fmt.Sprintf("%s-%d", name, width), b.String())
			})
		}
	}
}

func TestSemaphoreNeverMoreThanThree(t *testing.T) {
	rec := semaphore()
	a := timeline.Analyze(rec.lanes, rec.events)
	assert.Equal(t, 3, a.Peak["sem"], "at most 3 tasks hold the semaphore at once")
	assert.Equal(t, 3, a.PeakHolding)
	assert.Empty(t, a.Stuck)
	assert.Nil(t, a.Cycle)

	var b bytes.Buffer
	require.NoError(t, timeline.Render(&b, rec.lanes, rec.events, 100, lesson.Plain{}))
	out := b.String()
	assert.Contains(t, out, "sem: held by at most 3 lanes at once")
	// No column of the drawing shows more than three lanes holding.
	lines := strings.Split(out, "\n")
	var rows []string
	for _, l := range lines {
		if strings.HasPrefix(l, "task ") {
			rows = append(rows, l[strings.Index(l, "|")+1:strings.LastIndex(l, "|")])
		}
	}
	require.Len(t, rows, 10)
	for c := range len(rows[0]) {
		n := 0
		for _, r := range rows {
			if segmentKind(r, c) == '=' {
				n++
			}
		}
		assert.LessOrEqual(t, n, 3, "column %d shows %d lanes holding the semaphore", c, n)
	}
}

func TestDeadlockCycle(t *testing.T) {
	rec := deadlock()
	a := timeline.Analyze(rec.lanes, rec.events)
	require.Len(t, a.Stuck, 3, "both transfers and main are stuck")
	assert.Equal(t, []string{"Tom->Jack 5000", "Jack->Tom 200"}, a.Cycle, "the cycle is the two transfers, not main")

	var b bytes.Buffer
	require.NoError(t, timeline.Render(&b, rec.lanes, rec.events, 80, lesson.Plain{}))
	out := b.String()
	// The cycle in a line that fits the terminal (these long names need
	// 100 columns), then each wait spelled out.
	var wide bytes.Buffer
	require.NoError(t, timeline.Render(&wide, rec.lanes, rec.events, 100, lesson.Plain{}))
	assert.Contains(t, wide.String(), "\ndeadlock: Tom->Jack 5000 and Jack->Tom 200 wait on each other (a cycle: nobody can move)\n"+
		"  Tom->Jack 5000 waits for Jack, held by Jack->Tom 200\n"+
		"  Jack->Tom 200 waits for Tom, held by Tom->Jack 5000\n")
	assert.Regexp(t, `(?m)^Tom->Jack 5000 +\|.*\| cycle$`, out)
	assert.Regexp(t, `(?m)^main +\|.*\| stuck$`, out)
}

func TestRWMutexReadersOverlapWriterAlone(t *testing.T) {
	rec := rwmutex()
	a := timeline.Analyze(rec.lanes, rec.events)
	assert.Equal(t, 4, a.Peak["rw"], "four readers hold the lock together")
	assert.Empty(t, a.Stuck)
}

func TestNoCycleWithoutStuckHolder(t *testing.T) {
	var r recording
	r.add(0, "a", lesson.Acquired, "x")
	r.add(1, "b", lesson.Waiting, "x")
	r.add(2, "a", lesson.Done, "")
	a := timeline.Analyze(r.lanes, r.events)
	require.Len(t, a.Stuck, 1)
	assert.Nil(t, a.Cycle, "b waits for x, which a released when it finished: no cycle")
}

func TestEmpty(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, timeline.Render(&b, nil, nil, 80, nil))
	assert.Contains(t, b.String(), "no timeline")
}

// segmentKind returns the drawing character of the segment that column c
// of row belongs to: names written into a segment belong to it.
func segmentKind(row string, c int) byte {
	for ; c >= 0; c-- {
		switch ch := row[c]; ch {
		case '.', '=', '-', ' ', '<', '>':
			return ch
		}
	}
	return ' '
}

// recorded reads an event sequence recorded from a real run of a demo
// (testdata/recorded-*.json, written from Stage.Lanes and Stage.Events).
func recorded(t *testing.T, name string) recording {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "recorded-"+name+".json"))
	require.NoError(t, err)
	var rec struct {
		Lanes  []string       `json:"lanes"`
		Events []lesson.Event `json:"events"`
	}
	require.NoError(t, json.Unmarshal(b, &rec))
	require.NotEmpty(t, rec.Events)
	return recording{lanes: rec.Lanes, events: rec.Events}
}

// holdersWhile replays events and returns, for each time lane acquired
// object, how many other lanes held object meanwhile (at the
// acquisition or until the release).
func holdersWhile(rec recording, lane int, object string) []int {
	held := map[int]bool{}
	var counts []int
	mine := -1
	for _, e := range rec.events {
		if e.Object != object && e.Kind != lesson.Done {
			continue
		}
		switch e.Kind {
		case lesson.Acquired:
			held[e.Lane] = true
			if e.Lane == lane {
				counts = append(counts, len(held)-1)
				mine = len(counts) - 1
			} else if mine >= 0 {
				counts[mine]++
			}
		case lesson.Released, lesson.Done:
			delete(held, e.Lane)
			if e.Lane == lane {
				mine = -1
			}
		}
	}
	return counts
}

// TestRecordedRuns draws event sequences recorded from real runs of the
// semaphore, deadlock and RWMutex demos, checks what the pictures must
// show, and keeps them as golden files.
func TestRecordedRuns(t *testing.T) {
	t.Run("semaphore", func(t *testing.T) {
		rec := recorded(t, "semaphore")
		a := timeline.Analyze(rec.lanes, rec.events)
		assert.Equal(t, 3, a.Peak["sem"], "the run reached 3 tasks inside, and never more")
		var b bytes.Buffer
		require.NoError(t, timeline.Render(&b, rec.lanes, rec.events, 80, lesson.Plain{}))
		out := b.String()
		holding := regexp.MustCompile(`(?m)^holding +\|([ 0-9+]+)\|$`).FindStringSubmatch(out)
		require.NotNil(t, holding, out)
		assert.Regexp(t, `^[ 0-3]+$`, holding[1], "no slice of time shows more than 3 lanes holding")
		assert.Contains(t, holding[1], "3")
		golden(t, "recorded-semaphore-80", out)
	})
	t.Run("deadlock", func(t *testing.T) {
		rec := recorded(t, "deadlock")
		a := timeline.Analyze(rec.lanes, rec.events)
		assert.Len(t, a.Stuck, 2, "both transfers are stuck")
		assert.ElementsMatch(t, []string{"Tom->Jack", "Jack->Tom"}, a.Cycle)
		var b bytes.Buffer
		require.NoError(t, timeline.Render(&b, rec.lanes, rec.events, 80, lesson.Plain{}))
		out := b.String()
		assert.Regexp(t, `(?m)^Tom->Jack +\|.*=Tom.*\.Jack.*\| cycle$`, out, "Tom->Jack holds Tom, then waits for Jack")
		assert.Regexp(t, `(?m)^Jack->Tom +\|.*=Jack.*\.Tom.*\| cycle$`, out, "Jack->Tom holds Jack, then waits for Tom")
		assert.Contains(t, out, "deadlock: ")
		golden(t, "recorded-deadlock-80", out)
	})
	t.Run("rwmutex", func(t *testing.T) {
		rec := recorded(t, "rwmutex")
		a := timeline.Analyze(rec.lanes, rec.events)
		assert.Greater(t, a.Peak["rw"], 1, "readers held the RWMutex together")
		writer := slices.Index(rec.lanes, "writer")
		require.GreaterOrEqual(t, writer, 0, "lanes: %v", rec.lanes)
		others := holdersWhile(rec, writer, "rw")
		require.NotEmpty(t, others, "the writer took the lock")
		for _, n := range others {
			assert.Zero(t, n, "nobody else held rw while the writer did")
		}
		var b bytes.Buffer
		require.NoError(t, timeline.Render(&b, rec.lanes, rec.events, 80, lesson.Plain{}))
		golden(t, "recorded-rwmutex-80", b.String())
	})
}

func TestAShortHoldIsStillDrawn(t *testing.T) {
	// A holds X for 1 ms of a second before it waits for Y forever: less
	// than a column, but it is half of the deadlock.
	var r recording
	r.add(0, "A", lesson.Started, "")
	r.add(0, "B", lesson.Started, "")
	r.add(0, "B", lesson.Acquired, "Y")
	r.add(500, "A", lesson.Acquired, "X")
	r.add(501, "A", lesson.Waiting, "Y")
	r.add(1000, "B", lesson.Waiting, "X")
	var b bytes.Buffer
	require.NoError(t, timeline.Render(&b, r.lanes, r.events, 80, lesson.Plain{}))
	out := b.String()
	assert.Regexp(t, `(?m)^A +\|-+=\.Y\.+\| cycle$`, out, "A's brief hold of X shows, then its wait for Y")
	assert.Regexp(t, `(?m)^B +\|=Y=+\.X\.+\| cycle$`, out)
}

func TestRenderLanesLeavesLanesOutButCountsThem(t *testing.T) {
	rec := semaphore()
	var b bytes.Buffer
	require.NoError(t, timeline.RenderLanes(&b, rec.lanes, rec.events, 80, 4, lesson.Plain{}))
	out := b.String()
	assert.Equal(t, 4, strings.Count(out, "\ntask "), "four lanes drawn:\n%s", out)
	assert.Contains(t, out, "\n… 6 more lanes (conclab run --timeline shows them all)\n")
	assert.Regexp(t, `(?m)^holding +\|3+`, out, "the holding row still counts every lane")
	assert.Contains(t, out, "sem: held by at most 3 lanes at once")
}
