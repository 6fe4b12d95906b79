package grade_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
)

// hostileCounter is a counter.go that does the counting wrong (racy) and,
// around it, what a student who wants the points might try.
func hostileCounter(prelude string) string {
	return "package counter\n\n" + prelude + `

type Counter struct{ n int64 }

func (c *Counter) Inc()         { c.n++ }
func (c *Counter) Add(n int64)  { c.n += n }
func (c *Counter) Value() int64 { return c.n }
`
}

// TestHostileSubmissions grades submissions written to forge a pass or
// to break the grader. None passes; each gets the verdict it names,
// within its exercise's limit and a few seconds; no test binary is left
// running; nothing of a file outside the submission shows.
func TestHostileSubmissions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs hostile submissions under -race")
	}
	root, err := grade.FindRoot(".")
	require.NoError(t, err)
	counter := find(t, "counter")
	// A short limit, so that the init that never returns costs seconds.
	counter.Timeout = 4 * time.Second
	cases := []struct {
		name    string
		src     string
		verdict grade.Verdict
		limit   time.Duration // the exercise's, if not the short one
		imports []string      // allowed beyond the exercise's, for a capability an exercise to come needs
		note    string        // a note the report must hold
	}{
		{"forged test2json framing and census line, no imports", hostileCounter(`// unhide turns ";;;&TSH&&&" into "=== RUN   ": the policy refuses
// the grader's markers as literals, so they are made at run time.
func unhide(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] ^= 6
	}
	return string(b)
}

func init() {
	v := string(rune(22))
	for _, name := range []string{"TestZeroValueCountsFromZero", "TestIncFromManyGoroutines", "TestAddFromManyGoroutines", "TestValueWhileCounting"} {
		println(v + unhide(";;;&TSH&&&") + name)
		println(v + unhide("+++&VGUU<&") + name + " (0.00s)")
	}
	println(unhide("eihejgd&echusu<&bihc&aornsd(eik)eihejgd)eihejgd)c~cteoucu)67+eishrct"))
	println(v + unhide("VGUU"))
}`), grade.Race, 0, nil, ""},
		{"the nonce read from go test's command line, then os.Exit(0)", hostileCounter(`import "os"

func init() {
	b, _ := os.ReadFile("/proc/" + "self/../" + "1/cmdline")
	os.Stdout.Write(b)
	os.Exit(0)
}`), grade.Policy, 0, nil, ""},
		{"go:linkname to the census", hostileCounter(`import _ "unsafe"

//go:linkname nonce github.com/conclab/conclab/exercises/01-counter_test.conclabCensusNonce
var nonce string`), grade.Policy, 0, nil, ""},
		{"GOMAXPROCS(1) in init hides the lost updates", hostileCounter(`import "runtime"

func init() { runtime.GOMAXPROCS(1) }`), grade.Policy, 0, nil, ""},
		{"children in a new session", hostileCounter(`import "os/exec"

func init() { _ = exec.Command("setsid", "sleep", "600").Start() }`), grade.Policy, 0, nil, ""},
		{"writes into the workspace", hostileCounter(`import "os"

func init() { _ = os.WriteFile("counter_test.go", nil, 0o644) }`), grade.Policy, 0, nil, ""},
		{"writes into the workspace and its home, where os is allowed", hostileCounter(`import "os"

func init() {
	_ = os.WriteFile("` + hostileWrite + `", []byte("hostile"), 0o644)
	home, _ := os.UserHomeDir()
	_ = os.WriteFile(home+"/` + hostileWrite + `", []byte("hostile"), 0o644)
}`), grade.Race, 0, []string{"os"}, "created exercises/01-counter/" + hostileWrite},
		{"a million goroutines", hostileCounter(`func init() {
	block := make(chan int)
	for range 1_000_000 {
		go func() { <-block }()
	}
}`), grade.ResourceLimit, 30 * time.Second, nil, ""},
		{"an init that never returns", hostileCounter(`var spin = make(chan int, 1)

func init() {
	for {
		select {
		case spin <- 1:
		case <-spin:
		}
	}
}`), grade.Timeout, 0, nil, ""},
	}
	// What the workspace writer wrote in the package's folder (the test
	// binary's working directory) is removed; what it wrote in its home
	// must not be in ours.
	wrote := filepath.Join(root, "exercises", counter.Dir(), hostileWrite)
	t.Cleanup(func() { os.Remove(wrote) })
	home, err := os.UserHomeDir()
	require.NoError(t, err)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sub := t.TempDir()
			ex := counter
			if c.limit > 0 {
				ex.Timeout = c.limit
			}
			ex.Imports = append(slices.Clone(ex.Imports), c.imports...)
			submit(t, sub, ex, map[string]string{"counter.go": c.src})
			start := time.Now()
			res, err := grade.Grade(context.Background(), grade.Options{Root: root, Submission: sub, Exercises: []exercises.Exercise{ex}})
			require.NoError(t, err)
			er := res.Exercises[0]
			assert.Equal(t, c.verdict, er.Verdict, "%s\n%s", er.Message, er.Output)
			assert.False(t, res.Passed)
			assert.Zero(t, er.Points, "no points for a hostile submission")
			if c.note != "" {
				assert.True(t, slices.ContainsFunc(er.Notes, func(n string) bool { return strings.Contains(n, c.note) }),
					"a note saying %q, got %q", c.note, er.Notes)
			}
			// The tests' own time, not the builds' (a busy CI machine
			// builds slowly).
			assert.Less(t, er.Duration, (ex.Timeout + 5*time.Second).Seconds(), "ended within the exercise's limit")
			t.Logf("%s: %s in %.1fs (graded in %v)", c.name, er.Verdict, er.Duration, time.Since(start).Round(time.Millisecond))
		})
	}
	if runtime.GOOS == "linux" {
		assert.Empty(t, testBinariesRunning(t, counter.Dir()+".test"), "no test binary is left running")
	}
	assert.NoFileExists(t, filepath.Join(home, hostileWrite), "the graded code's home is the grader's scratch folder, not the user's")
}

// hostileWrite is the file the workspace writer creates.
const hostileWrite = "zz-conclab-hostile-wrote-this.txt"

// testBinariesRunning lists the processes whose command is name.
func testBinariesRunning(t *testing.T, name string) []string {
	t.Helper()
	var found []string
	dirs, err := os.ReadDir("/proc")
	require.NoError(t, err)
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		if err != nil || len(cmd) == 0 {
			continue
		}
		exe, _, _ := bytes.Cut(cmd, []byte{0})
		if filepath.Base(string(exe)) == name {
			found = append(found, d.Name()+" "+strings.ReplaceAll(string(cmd), "\x00", " "))
		}
	}
	return found
}
