package timeline_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	race "github.com/conclab/conclab/lessons/02-race"
	deadlocks "github.com/conclab/conclab/lessons/05-deadlock"
	semaphores "github.com/conclab/conclab/lessons/06-semaphore"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/timeline"
)

// errNoChildren is what a child process fails with here: a synctest
// bubble cannot wait for another process. (The child demos' timelines are
// the recorded runs of TestRecordedRuns.)
var errNoChildren = errors.New("no child processes in this test")

type noChildren struct{}

func (noChildren) Command(context.Context, string) *exec.Cmd { return &exec.Cmd{Err: errNoChildren} }

// presented is a demo run the way conclab present runs it, on synctest's
// fake clock, with a presenter who talks for a minute at every pause.
type presented struct {
	out    string        // the timeline, 80 columns wide
	lanes  []string      // the stage's lanes
	active time.Duration // the demo's time, pauses left out
	pauses int
}

func present(t *testing.T, l lesson.Lesson, d lesson.Demo) (p presented, ok bool) {
	const talk = time.Minute
	synctest.Test(t, func(t *testing.T) {
		s := lesson.NewStage(lesson.Options{
			Speed:      1,
			Lesson:     l.Slug,
			Spawn:      noChildren{},
			Presenting: true,
			PauseFunc: func(context.Context, string) error {
				p.pauses++
				time.Sleep(talk)
				return nil
			},
		})
		begin := time.Now()
		err := d.Run(context.Background(), s)
		if errors.Is(err, errNoChildren) {
			return
		}
		require.NoError(t, err)
		p.active = time.Since(begin) - time.Duration(p.pauses)*talk
		var b bytes.Buffer
		require.NoError(t, timeline.Render(&b, s.Lanes(), s.Events(), 80, lesson.Plain{}))
		p.out, p.lanes, ok = b.String(), s.Lanes(), true
	})
	return p, ok
}

var (
	headingRE = regexp.MustCompile(`^Timeline: \d+ goroutines over (\S+?)(,|$)`)
	rowRE     = regexp.MustCompile(`^(.+?) +\|(.*)\|`)
	numberRE  = regexp.MustCompile(`^(.*?)(\d+)\D*$`)
)

// TestLessonTimelinesStartAtZeroWithoutPauses plays the demos of lessons
// 2, 5 and 6 as a presenter would, pausing a minute at every question,
// and checks the drawings: ticks from 0 on the demo's clock, no pause time
// on the axis, every lane that recorded something drawn, lanes of a batch
// in natural order ("task 2" before "task 10"), 80 columns at most.
func TestLessonTimelinesStartAtZeroWithoutPauses(t *testing.T) {
	t.Setenv("PATH", "") // no go command: the channel demo falls back to a child
	for _, l := range []lesson.Lesson{race.Lesson, deadlocks.Lesson, semaphores.Lesson} {
		for _, d := range l.Demos {
			if d.NeedsRace || (d.Racy && lesson.RaceEnabled) {
				continue // under the race detector a racy demo runs in a child
			}
			t.Run(l.Slug+"/"+d.Name, func(t *testing.T) {
				p, ok := present(t, l, d)
				if !ok {
					t.Skip("runs in a child process: see TestRecordedRuns")
				}
				if len(p.lanes) == 0 {
					t.Skip("no lanes")
				}
				lines := strings.Split(strings.TrimRight(p.out, "\n"), "\n")
				for i, line := range lines {
					assert.LessOrEqual(t, len([]rune(line)), 80, "line %d is wider than an 80-column terminal: %q", i+1, line)
				}

				m := headingRE.FindStringSubmatch(lines[0])
				require.NotNil(t, m, "heading: %q", lines[0])
				over, err := time.ParseDuration(m[1])
				require.NoError(t, err)
				assert.LessOrEqual(t, over, p.active+p.active/50,
					"the timeline spans %v, but the demo was active for only %v: the %d one-minute pauses must not count\n%s", over, p.active, p.pauses, p.out)

				var rows []string
				gridAt := -1
				for _, line := range lines[1 : len(p.lanes)+1] {
					m := rowRE.FindStringSubmatch(line)
					require.NotNil(t, m, "not a lane row: %q\n%s", line, p.out)
					rows = append(rows, m[1]+"\x00"+m[2])
					gridAt = strings.Index(line, "|") + 1
					assert.NotEqual(t, "", strings.TrimSpace(m[2]), "lane %q recorded events but its row is empty:\n%s", strings.TrimSpace(m[1]), p.out)
				}
				var axis string
				for _, line := range lines {
					if strings.TrimSpace(line) != "" && strings.HasPrefix(strings.TrimLeft(line, " "), "0") && !strings.Contains(line, "|") {
						axis = line
						break
					}
				}
				require.NotEmpty(t, axis, "no axis line starting at 0:\n%s", p.out)
				assert.Equal(t, gridAt, strings.Index(axis, "0"), "the axis's 0 stands under the first column:\n%s", p.out)
				ticks := strings.Fields(axis)
				last, err := time.ParseDuration(ticks[len(ticks)-1])
				require.NoError(t, err)
				assert.Less(t, last, time.Minute, "the last tick, %v, counts a pause:\n%s", last, p.out)
				assert.Equal(t, m[1], ticks[len(ticks)-1], "the heading's span and the last tick disagree:\n%s", p.out)

				// Lanes that took their first seat in the same column
				// are in natural order of their numbers.
				for i := 1; i < len(rows); i++ {
					a, b := strings.Split(rows[i-1], "\x00"), strings.Split(rows[i], "\x00")
					if seat(a[1]) != seat(b[1]) {
						continue
					}
					ma, mb := numberRE.FindStringSubmatch(strings.TrimSpace(a[0])), numberRE.FindStringSubmatch(strings.TrimSpace(b[0]))
					if ma == nil || mb == nil || ma[1] != mb[1] {
						continue
					}
					na, _ := strconv.Atoi(ma[2])
					nb, _ := strconv.Atoi(mb[2])
					assert.Less(t, na, nb, "%q is drawn before %q, which started in the same column:\n%s", ma[0], mb[0], p.out)
				}
				if d.Name == "partial-deadlock" {
					for _, r := range rows {
						if name, cells, _ := strings.Cut(r, "\x00"); strings.TrimSpace(name) == "server" {
							assert.Equal(t, 3, strings.Count(cells, "*"), "the server printed 3 requests: its row shows 3 marks:\n%s", p.out)
						}
					}
				}
			})
		}
	}
}

// seat is the column where a row first holds something, or first shows
// anything.
func seat(cells string) int {
	if i := strings.Index(cells, "="); i >= 0 {
		return i
	}
	return len(cells) - len(strings.TrimLeft(cells, " "))
}

// TestTicksAreOffsetsFromTheAxisStart: lanes that begin 31 s into a demo
// and last 6.85 ms are drawn over those 6.85 ms, ticked from 0, with the
// heading saying where they begin (the report had "over 6.85ms" and the
// ticks "31s 31s 31s").
func TestTicksAreOffsetsFromTheAxisStart(t *testing.T) {
	var r recording
	base := 31000 * time.Millisecond
	at := func(us int) time.Duration { return base + time.Duration(us)*time.Microsecond }
	r.lane("g1")
	r.lane("g2")
	r.events = []lesson.Event{
		{At: at(0), Lane: 0, Kind: lesson.Started},
		{At: at(100), Lane: 1, Kind: lesson.Started},
		{At: at(6000), Lane: 0, Kind: lesson.Done},
		{At: at(6850), Lane: 1, Kind: lesson.Done},
	}
	var b bytes.Buffer
	require.NoError(t, timeline.Render(&b, r.lanes, r.events, 80, lesson.Plain{}))
	out := b.String()
	assert.Contains(t, out, "Timeline: 2 goroutines over 6.85ms, from 31s into the demo\n")
	assert.Regexp(t, `(?m)^ +0 +3\.43ms +6\.85ms$`, out, "ticks are offsets from the axis start")
	assert.NotContains(t, out, "31s 31s", "no tick repeats the offset of the axis start")

	// A short lead-in (a few microseconds of setup) is drawn: the axis
	// starts with the demo.
	r.events = []lesson.Event{
		{At: 50 * time.Microsecond, Lane: 0, Kind: lesson.Started},
		{At: 100 * time.Microsecond, Lane: 1, Kind: lesson.Started},
		{At: 4 * time.Millisecond, Lane: 0, Kind: lesson.Done},
		{At: 4 * time.Millisecond, Lane: 1, Kind: lesson.Done},
	}
	b.Reset()
	require.NoError(t, timeline.Render(&b, r.lanes, r.events, 80, lesson.Plain{}))
	out = b.String()
	assert.Contains(t, out, "Timeline: 2 goroutines over 4ms\n")
	assert.Regexp(t, `(?m)^ +0 +2ms +4ms$`, out)
}

// TestEveryLaneThatRecordedIsDrawn: a lane that only printed, and one that
// started and ended within one slice of time, both show.
func TestEveryLaneThatRecordedIsDrawn(t *testing.T) {
	var r recording
	r.add(0, "worker", lesson.Started, "")
	r.add(150, "server", lesson.Printed, "")
	r.add(300, "server", lesson.Printed, "")
	r.add(450, "server", lesson.Printed, "")
	r.add(500, "blip", lesson.Started, "")
	r.add(500, "blip", lesson.Done, "")
	r.add(1000, "worker", lesson.Done, "")
	var b bytes.Buffer
	require.NoError(t, timeline.Render(&b, r.lanes, r.events, 80, lesson.Plain{}))
	out := b.String()
	assert.Regexp(t, `(?m)^server +\| +\*-+\*-+\*-+\|$`, out, "the server lane shows its three printed lines")
	assert.Regexp(t, `(?m)^blip +\| +- +\|$`, out, "a goroutine shorter than a column is still drawn")
}

func TestNaturalOrderWithinAColumn(t *testing.T) {
	var r recording
	// task 10 takes its seat a few microseconds before task 1 and task 2:
	// the same column, so they are drawn by number.
	r.add(0, "task 10", lesson.Acquired, "sem")
	r.add(0, "task 2", lesson.Waiting, "sem")
	r.add(0, "task 1", lesson.Waiting, "sem")
	r.events = append(r.events,
		lesson.Event{At: 3 * time.Microsecond, Lane: r.lane("task 2"), Kind: lesson.Acquired, Object: "sem"},
		lesson.Event{At: 5 * time.Microsecond, Lane: r.lane("task 1"), Kind: lesson.Acquired, Object: "sem"})
	for _, n := range []string{"task 10", "task 2", "task 1"} {
		r.add(100, n, lesson.Released, "sem")
		r.add(100, n, lesson.Done, "")
	}
	var b bytes.Buffer
	require.NoError(t, timeline.Render(&b, r.lanes, r.events, 80, lesson.Plain{}))
	assert.Regexp(t, `(?s)\ntask 1 .*\ntask 2 .*\ntask 10 `, b.String(), "task 1, task 2, task 10")
}
