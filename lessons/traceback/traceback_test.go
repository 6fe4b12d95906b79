package traceback_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons/traceback"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// recordedDir is where testdata/gen/record.sh ran: the recordings name
// files under it, which the tests map to this checkout so that the source
// lines can be read wherever the tests run.
const recordedDir = "/work/main/lessons/traceback"

func here(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	return wd
}

// recording returns a real output saved by testdata/gen/record.sh.
func recording(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err, "recordings are made by testdata/gen/record.sh")
	return strings.ReplaceAll(string(b), recordedDir, here(t))
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = bytes.ReplaceAll(got, []byte(here(t)), []byte("$DIR"))
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden file")
	assert.Equal(t, string(want), string(got), "output differs from %s (go test -update rewrites it; review the diff)", path)
}

func goldenJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	golden(t, name, append(b, '\n'))
}

// byFunc indexes goroutines by the function of their first frame in the
// program's own code.
func byFunc(t *testing.T, gs []traceback.Goroutine) map[string]traceback.Goroutine {
	t.Helper()
	m := map[string]traceback.Goroutine{}
	for _, g := range gs {
		if f, ok := traceback.UserFrame(g.Frames, nil); ok {
			m[f.Func] = g
		}
	}
	return m
}

func TestParseDumpSIGQUITClassifiesEveryWait(t *testing.T) {
	gs := traceback.ParseDump(recording(t, "sigquit.txt"))
	goldenJSON(t, "sigquit.json", gs)
	// The runtime's own goroutines (GC, finalizer...) are there too.
	require.GreaterOrEqual(t, len(gs), 11)

	want := map[string]string{
		"main.main":        traceback.Sleep,
		"main.main.func1":  traceback.MutexLock,
		"main.main.func2":  traceback.RWMutexRLock,
		"main.main.func3":  traceback.RWMutexLock, // the runtime says sync.Mutex.Lock: its inner mutex
		"main.main.func4":  traceback.WaitGroupWait,
		"main.main.func5":  traceback.CondWait,
		"main.main.func6":  traceback.ChanSend,
		"main.main.func7":  traceback.ChanReceive,
		"main.main.func8":  traceback.Select,
		"main.main.func9":  traceback.Sleep,
		"main.main.func10": "", // spinning: running
	}
	got := byFunc(t, gs)
	for fn, wait := range want {
		g, ok := got[fn]
		if assert.Truef(t, ok, "no goroutine running %s in the dump", fn) {
			assert.Equalf(t, wait, g.WaitingOn(), "goroutine %d (%s, state %q)", g.ID, fn, g.State)
			assert.Equalf(t, wait != "", g.Blocked(), "goroutine %d (%s) blocked", g.ID, fn)
		}
	}
	g := got["main.main.func3"]
	assert.Equal(t, "sync.Mutex.Lock", g.State, "Go 1.26 prints the inner mutex's state for RWMutex.Lock")
	require.NotNil(t, g.CreatedBy)
	assert.Equal(t, "main.main", g.CreatedBy.Func)
	assert.Equal(t, "main.go:26", g.CreatedBy.Short())
	assert.Equal(t, 1, g.CreatedByGoroutine)
	assert.Nil(t, got["main.main"].CreatedBy, "main's goroutine has no creator")
}

func TestParseDumpAllGoroutinesAsleep(t *testing.T) {
	text := recording(t, "deadlock.txt")
	require.Contains(t, text, "fatal error: all goroutines are asleep - deadlock!")
	gs := traceback.ParseDump(text)
	goldenJSON(t, "deadlock.json", gs)
	require.Len(t, gs, 3)
	assert.Equal(t, 1, gs[0].ID)
	assert.Equal(t, traceback.WaitGroupWait, gs[0].WaitingOn())
	for i, line := range []int{32, 33} {
		g := gs[i+1]
		assert.Equal(t, traceback.MutexLock, g.WaitingOn())
		f, ok := traceback.UserFrame(g.Frames, nil)
		require.True(t, ok)
		assert.Equal(t, "main.transfer", f.Func)
		assert.Equal(t, 20, f.Line, "both wait at the second Lock")
		require.NotNil(t, g.CreatedBy)
		assert.Equal(t, line, g.CreatedBy.Line)
	}
}

func TestParseDumpTestTimeout(t *testing.T) {
	text := recording(t, "timeout.txt")
	require.Contains(t, text, "panic: test timed out after 2s")
	gs := traceback.ParseDump(text)
	goldenJSON(t, "timeout.json", gs)
	require.Len(t, gs, 5)
	locked := 0
	for _, g := range gs {
		if g.WaitingOn() == traceback.MutexLock {
			locked++
			f, ok := traceback.UserFrame(g.Frames, func(file string) bool { return strings.HasSuffix(file, "transfer_test.go") })
			require.True(t, ok)
			assert.Equal(t, "transfer_test.go:20", f.Short())
			assert.Equal(t, 19, g.CreatedByGoroutine, "started by the test's goroutine")
		}
	}
	assert.Equal(t, 2, locked, "the two transfers each wait for the other's lock")
	test, ok := traceback.Find(gs, 19)
	require.True(t, ok)
	assert.Equal(t, traceback.WaitGroupWait, test.WaitingOn())
	alarm, _ := traceback.Find(gs, 5)
	assert.Equal(t, "", alarm.WaitingOn(), "the alarm goroutine is running")
}

func TestParseDumpTestTimeoutJSON(t *testing.T) {
	// The grading engine reads go test -json: the dump arrives one line
	// per test2json event.
	gs := traceback.ParseDump(recording(t, "timeout.json"))
	goldenJSON(t, "timeout-json.json", gs)
	require.Len(t, gs, 5)
	var waits []string
	for _, g := range gs {
		waits = append(waits, g.WaitingOn())
	}
	assert.ElementsMatch(t, []string{"", traceback.ChanReceive, traceback.WaitGroupWait, traceback.MutexLock, traceback.MutexLock}, waits)
	for _, g := range gs {
		if g.WaitingOn() == traceback.MutexLock {
			f, ok := traceback.UserFrame(g.Frames, nil)
			require.True(t, ok)
			assert.Equal(t, "transfer_test.go:20", f.Short())
		}
	}
}

func TestParseDumpGoleak(t *testing.T) {
	text := recording(t, "leak.txt")
	require.Contains(t, text, "found unexpected goroutines")
	gs := traceback.ParseDump(text)
	goldenJSON(t, "leak.json", gs)
	require.Len(t, gs, 2)
	assert.Equal(t, 20, gs[0].ID)
	assert.Equal(t, traceback.ChanSend, gs[0].WaitingOn())
	require.Len(t, gs[0].Frames, 1)
	assert.Equal(t, "leak_test.go:16", gs[0].Frames[0].Short())
	require.NotNil(t, gs[0].CreatedBy)
	assert.Equal(t, "tbgen/leaktest.TestFirst", gs[0].CreatedBy.Func)
	assert.Equal(t, 19, gs[0].CreatedByGoroutine)
	assert.Equal(t, traceback.Sleep, gs[1].WaitingOn())
}

func TestParseDumpConcurrentMapWrites(t *testing.T) {
	text := recording(t, "mapwrites.txt")
	require.Contains(t, text, "fatal error: concurrent map writes")
	gs := traceback.ParseDump(text)
	goldenJSON(t, "mapwrites.json", gs)
	require.NotEmpty(t, gs)
	// The goroutine that the runtime caught is printed first.
	f, ok := traceback.UserFrame(gs[0].Frames, nil)
	require.True(t, ok)
	assert.Equal(t, "main.go:14", f.Short())
	assert.Equal(t, "running", gs[0].State)
}

func TestParseDumpIgnoresOtherText(t *testing.T) {
	assert.Empty(t, traceback.ParseDump(""))
	assert.Empty(t, traceback.ParseDump("PASS\nok  \tfoo\t0.1s\n"))
	assert.Empty(t, traceback.ParseDump("goroutine 1 [running\nmain.main()\n"), "an unfinished header is not a goroutine")

	// The wait time is split off the state.
	gs := traceback.ParseDump("goroutine 7 [chan receive, 5 minutes, locked to thread]:\nmain.f(...)\n\t/x/main.go:3\n")
	require.Len(t, gs, 1)
	assert.Equal(t, "chan receive", gs[0].State)
	assert.Equal(t, "5 minutes", gs[0].Wait)
	assert.Equal(t, traceback.ChanReceive, gs[0].WaitingOn())
}

func TestWaitingOnBeforeGo124(t *testing.T) {
	// Before Go 1.24 every sync wait was "semacquire"; the stack tells which.
	g := traceback.Goroutine{State: "semacquire", Frames: []traceback.Frame{
		{Func: "sync.runtime_SemacquireMutex", File: "/usr/local/go/src/runtime/sema.go", Line: 77},
		{Func: "sync.(*Mutex).lockSlow", File: "/usr/local/go/src/sync/mutex.go", Line: 171},
		{Func: "sync.(*Mutex).Lock", File: "/usr/local/go/src/sync/mutex.go", Line: 90},
		{Func: "main.main", File: "/home/u/p/main.go", Line: 12},
	}}
	assert.Equal(t, traceback.MutexLock, g.WaitingOn())
	g.Frames[2].Func = "sync.(*WaitGroup).Wait"
	assert.Equal(t, traceback.WaitGroupWait, g.WaitingOn())
	assert.Equal(t, "IO wait", traceback.Goroutine{State: "IO wait"}.WaitingOn())
}

func TestParseRaces(t *testing.T) {
	races := traceback.ParseRaces(recording(t, "race.txt"))
	goldenJSON(t, "race.json", races)
	require.Len(t, races, 2)

	r := races[0]
	assert.False(t, r.Current.Write)
	assert.True(t, r.Previous.Write)
	assert.Equal(t, 8, r.Current.Goroutine)
	assert.Equal(t, 9, r.Previous.Goroutine)
	assert.Equal(t, r.Current.Addr, r.Previous.Addr)
	assert.Equal(t, "main.increment", r.Current.Frames[0].Func)
	assert.Equal(t, "main.go:15", r.Current.Frames[0].Short())
	require.NotEmpty(t, r.CurrentCreated)
	assert.Equal(t, "main.go:22", r.CurrentCreated[0].Short())
	assert.Equal(t, "main.go:23", r.PreviousCreated[0].Short())

	r = races[1]
	assert.True(t, r.Current.Write)
	assert.Equal(t, 1, r.Previous.Goroutine, "by main goroutine")
	assert.Equal(t, "main.go:28", r.Previous.Frames[0].Short())
	assert.Empty(t, r.PreviousCreated)
}

func TestParseRacesInGoTestOutput(t *testing.T) {
	text := recording(t, "racetest.txt")
	races := traceback.ParseRaces(text)
	goldenJSON(t, "racetest.json", races)
	require.Len(t, races, 2)
	for _, r := range races {
		f, ok := traceback.UserFrame(r.Current.Frames, nil)
		require.True(t, ok)
		assert.Equal(t, "counter_test.go:12", f.Short())
		f, ok = traceback.UserFrame(r.CurrentCreated, nil)
		require.True(t, ok)
		assert.Equal(t, "counter_test.go:20", f.Short())
	}
	assert.Len(t, traceback.Dedup(races), 1, "both reports are the same pair of lines")

	// Another run, recorded as a test2json stream, reads the same way (how
	// many reports a run gives varies with its schedule).
	fromJSON := traceback.ParseRaces(recording(t, "racetest.json"))
	require.NotEmpty(t, fromJSON)
	for _, r := range fromJSON {
		assert.Equal(t, "counter_test.go:12", r.Current.Frames[0].Short())
		assert.Equal(t, "counter_test.go:12", r.Previous.Frames[0].Short())
	}
	assert.Len(t, traceback.Dedup(fromJSON), 1)
}

func TestDedupKeepsDistinctPairs(t *testing.T) {
	races := traceback.ParseRaces(recording(t, "race.txt"))
	assert.Len(t, traceback.Dedup(append(races, races...)), 2)
	assert.Empty(t, traceback.Dedup(nil))
}

func TestExplainRace(t *testing.T) {
	races := traceback.ParseRaces(recording(t, "race.txt"))
	require.Len(t, races, 2)
	var b bytes.Buffer
	for _, r := range races {
		traceback.ExplainRace(&b, r, nil)
		b.WriteString("----\n")
	}
	golden(t, "explain-race.txt", b.Bytes())
	out := b.String()
	assert.Contains(t, out, "goroutine 8 read counter at main.go:15 while goroutine 9 wrote it at main.go:15;")
	assert.Contains(t, out, "neither waited for the other (no lock, no channel between them)")
	assert.Contains(t, out, "> 15 |         counter++", "the source line is shown")
	assert.Contains(t, out, "goroutine 8 was started by the go statement at main.go:22")
	assert.Contains(t, out, "goroutine 10 wrote done at main.go:27 while goroutine 1 (main) read it at main.go:28;")
}

func TestExplainRaceInTest(t *testing.T) {
	races := traceback.Dedup(traceback.ParseRaces(recording(t, "racetest.txt")))
	require.Len(t, races, 1)
	var b bytes.Buffer
	traceback.ExplainRace(&b, races[0], func(file string) bool { return strings.HasSuffix(file, "counter_test.go") })
	golden(t, "explain-racetest.txt", b.Bytes())
	assert.Contains(t, b.String(), "read c.n at counter_test.go:12 while goroutine 9 wrote it at counter_test.go:12")
	assert.Contains(t, b.String(), "started by the go statement at counter_test.go:20 (in racetest.TestCounter)")
}

func TestExplainRaceWithoutSource(t *testing.T) {
	races := traceback.ParseRaces(strings.ReplaceAll(recording(t, "race.txt"), here(t), "/nowhere"))
	require.NotEmpty(t, races)
	var b bytes.Buffer
	traceback.ExplainRace(&b, races[0], nil)
	assert.Contains(t, b.String(), "(source not available: /nowhere/testdata/gen/race/main.go)")
	assert.Contains(t, b.String(), "Data race on the memory at 0x000000622318")
}

func TestSourceLines(t *testing.T) {
	file := filepath.Join("testdata", "gen", "race", "main.go")
	got := traceback.SourceLines(file, 15, 1)
	assert.Equal(t, []string{
		"  14 |     for range 1000 {",
		"> 15 |         counter++",
		"  16 |     }",
	}, got)
	assert.Equal(t, []string{"> 1 | // Command race has two data races: two goroutines incrementing a shared"}, traceback.SourceLines(file, 1, 0))
	assert.Nil(t, traceback.SourceLines(file, 10000, 2), "past the end: not this file")
	assert.Nil(t, traceback.SourceLines("/no/such/file.go", 3, 1))
}

func TestSourceLinesFrom(t *testing.T) {
	files := map[string]string{"/embedded/a.go": "package a\r\n\r\nfunc f() {\r\n\tx++\r\n}\r\n"}
	read := func(file string) ([]byte, error) {
		if text, ok := files[file]; ok {
			return []byte(text), nil
		}
		return nil, os.ErrNotExist
	}
	assert.Equal(t, []string{"  3 | func f() {", "> 4 |     x++", "  5 | }"}, traceback.SourceLinesFrom(read, "/embedded/a.go", 4, 1))
	assert.Equal(t, []string{"> 1 | package a", "  2 |"}, traceback.SourceLinesFrom(read, "/embedded/a.go", 1, 1), "context is cut at the start")
	assert.Nil(t, traceback.SourceLinesFrom(read, "/embedded/a.go", 6, 0), "past the end")
	assert.Nil(t, traceback.SourceLinesFrom(read, "/elsewhere.go", 1, 0))
	assert.Nil(t, traceback.SourceLinesFrom(nil, "/embedded/a.go", 1, 0))
}

func TestUserFrame(t *testing.T) {
	frames := []traceback.Frame{
		{Func: "runtime.gopark", File: "/usr/local/go/src/runtime/proc.go", Line: 460},
		{Func: "sync.(*Mutex).Lock", File: "/opt/go/src/sync/mutex.go", Line: 46}, // another machine's GOROOT
		{Func: "github.com/conclab/conclab/solutions/01-counter.(*Counter).Inc", File: "/w/solutions/01-counter/counter.go", Line: 9},
		{Func: "github.com/conclab/conclab/exercises/01-counter.TestInc.func1", File: "/w/exercises/01-counter/counter_test.go", Line: 30},
		{Func: "main.main", File: "_testmain.go", Line: 46},
	}
	f, ok := traceback.UserFrame(frames, nil)
	require.True(t, ok)
	assert.Equal(t, 9, f.Line)
	f, ok = traceback.UserFrame(frames, func(file string) bool { return strings.HasSuffix(file, "_test.go") })
	require.True(t, ok)
	assert.Equal(t, 30, f.Line)
	_, ok = traceback.UserFrame(frames[:2], nil)
	assert.False(t, ok)
	assert.Equal(t, "internal/sync", traceback.Frame{Func: "internal/sync.(*Mutex).lockSlow"}.Package())
}

// FuzzParse feeds cut and mangled recordings to both parsers: they must
// never panic, whatever they are given.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"sigquit.txt", "deadlock.txt", "timeout.txt", "leak.txt", "mapwrites.txt", "race.txt", "racetest.txt", "racetest.json", "timeout.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
		f.Add(string(b[:len(b)/2]))
		f.Add(string(b[len(b)/3:]))
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, g := range traceback.ParseDump(text) {
			_ = g.WaitingOn()
		}
		races := traceback.ParseRaces(text)
		for _, r := range traceback.Dedup(races) {
			var b bytes.Buffer
			traceback.ExplainRace(&b, r, nil)
		}
	})
}

// TestParseDumpLeakProfile reads the runtime's goroutine leak profile
// (debug=2): the goroutines it proves stuck are marked Leaked, with the
// state they wait in; the others are not.
func TestParseDumpLeakProfile(t *testing.T) {
	profile := `goroutine 20 [running]:
main.watch()
	/src/x_test.go:9 +0x25

goroutine 24 [sync.Mutex.Lock (leaked)]:
sync.(*Mutex).Lock(0x0?)
	/usr/local/go/src/sync/mutex.go:46 +0x15
lp.Transfer(0xc0000941e0, 0xc0000941f0)
	/src/x.go:11 +0xa5
created by lp.TestDeadlock in goroutine 23
	/src/x_test.go:16 +0x1dd

goroutine 22 [chan send (leaked), 2 minutes]:
lp.Leak.func1()
	/src/x.go:19 +0x3d
created by lp.Leak in goroutine 21
	/src/x.go:19 +0x9a
`
	gs := traceback.ParseDump(profile)
	require.Len(t, gs, 3)
	assert.False(t, gs[0].Leaked)
	assert.True(t, gs[1].Leaked)
	assert.Equal(t, traceback.MutexLock, gs[1].WaitingOn())
	assert.Equal(t, 23, gs[1].CreatedByGoroutine)
	assert.True(t, gs[2].Leaked)
	assert.Equal(t, traceback.ChanSend, gs[2].WaitingOn())
	assert.Equal(t, "2 minutes", gs[2].Wait)
}
