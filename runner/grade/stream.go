package grade

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Event is one line of `go test -json`: a test2json event, or one of the
// build events (build-output, build-fail) that go test adds since Go 1.24.
type Event struct {
	Time        time.Time
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	ImportPath  string // build events: "pkg [pkg.test]"
	FailedBuild string // on a package's fail when its build failed
	// OutputType (Go 1.27) tells what wrote an output line: "frame" for
	// testing's own === and --- lines, "error" and "error-continue" for
	// what t.Error and t.Fatal wrote; empty for anything else, such as
	// whatever the code under test printed.
	OutputType string
}

// Execution is what `go test -json` reported, per package. Only the Action
// of real events counts: whatever a submission prints arrives inside an
// Output field and cannot end a test.
type Execution struct {
	Packages map[string]*Package
	Order    []string // packages in the order they first appeared
	// Limits are what the grader saw of test binaries it stopped for
	// going past a resource limit: "04-transfer.test: stopped: ...".
	Limits []string
	// OnDone, if set, is called as each package's test binary ends, with
	// its final action (pass, fail, skip): what a progress line shows.
	OnDone func(pkg, action string)
	cap    int
}

// NewExecution returns an empty execution that keeps at most outputCap
// bytes of output per package (and as much per test).
func NewExecution(outputCap int) *Execution {
	return &Execution{Packages: map[string]*Package{}, cap: outputCap}
}

// Package is one package's run.
type Package struct {
	Name string
	// Action is the package's final action: pass, fail, skip; "" when the
	// stream ended before the package did (go test was killed).
	Action      string
	BuildFailed bool
	// VetOnly: the build failed, but the package compiles with vet off,
	// so what Build holds are vet's findings.
	VetOnly   bool
	Build     CappedText // compiler and vet output
	Output    CappedText // output not attributed to any test
	Tests     map[string]*Test
	TestOrder []string
	Elapsed   time.Duration
}

// Test is one top-level test and everything its subtests printed.
type Test struct {
	Name string
	// Action is the test's own final action: pass, fail, skip; "run"
	// when it started and never ended (timeout, crash, os.Exit).
	Action string
	// Ran says whether a real "run" event started the test: a pass
	// without one was printed, not run.
	Ran    bool
	Output CappedText
	// Errors holds the lines that testing itself marked as written by
	// t.Error or t.Fatal (Go 1.27's OutputType): a failure's message
	// comes from them when there are any, so that text printed by the
	// submission cannot pose as the test's message.
	Errors   CappedText
	Elapsed  time.Duration
	Subtests map[string]string // subtest name -> its final action
}

// CappedText keeps the first Cap bytes written to it and counts the rest.
type CappedText struct {
	Cap     int
	buf     strings.Builder
	Dropped int64
}

// WriteString keeps s while there is room, whole lines at a time, so a
// truncated report never ends in half a line.
func (c *CappedText) WriteString(s string) {
	if c.buf.Len()+len(s) <= c.Cap || c.Cap <= 0 && c.buf.Len()+len(s) <= 1<<20 {
		c.buf.WriteString(s)
		return
	}
	c.Dropped += int64(len(s))
}

// String returns what was kept, with a note when something was dropped.
func (c *CappedText) String() string {
	if c.Dropped == 0 {
		return c.buf.String()
	}
	return c.buf.String() + fmt.Sprintf("... [output truncated: %d more bytes not shown]\n", c.Dropped)
}

// Kept returns what was kept, without the truncation note.
func (c *CappedText) Kept() string { return c.buf.String() }

func (x *Execution) pkg(name string) *Package {
	name = buildPackage(name)
	p := x.Packages[name]
	if p == nil {
		p = &Package{Name: name, Tests: map[string]*Test{}}
		p.Build.Cap, p.Output.Cap = x.cap, x.cap
		x.Packages[name] = p
		x.Order = append(x.Order, name)
	}
	return p
}

// buildPackage is the package a build event's ImportPath belongs to:
// "p [p.test]" (p compiled with its tests), "p_test [p.test]" (its
// external tests) and "p.test" (the test binary, whose link errors land
// there) all belong to p.
func buildPackage(importPath string) string {
	name, bracket, ok := strings.Cut(importPath, " [")
	if ok {
		if bin, ok := strings.CutSuffix(strings.TrimSuffix(bracket, "]"), ".test"); ok {
			return bin
		}
		return name
	}
	if bin, ok := strings.CutSuffix(name, ".test"); ok {
		return bin
	}
	return name
}

func (p *Package) test(name string, cap int) *Test {
	top, _, _ := strings.Cut(name, "/")
	t := p.Tests[top]
	if t == nil {
		t = &Test{Name: top, Action: "run", Subtests: map[string]string{}}
		t.Output.Cap, t.Errors.Cap = cap, cap
		p.Tests[top] = t
		p.TestOrder = append(p.TestOrder, top)
	}
	return t
}

// Add records one event.
func (x *Execution) Add(e Event) {
	switch {
	case e.Action == "build-output":
		x.pkg(e.ImportPath).Build.WriteString(e.Output)
	case e.Action == "build-fail":
		x.pkg(e.ImportPath).BuildFailed = true
	case e.Package == "":
		// Not a package event: nothing to attribute it to.
	case e.Test == "":
		p := x.pkg(e.Package)
		switch e.Action {
		case "output":
			p.Output.WriteString(e.Output)
		case "pass", "fail", "skip":
			p.Action = e.Action
			p.Elapsed = seconds(e.Elapsed)
			if e.FailedBuild != "" {
				p.BuildFailed = true
			}
			if x.OnDone != nil {
				x.OnDone(e.Package, e.Action)
			}
		}
	default:
		p := x.pkg(e.Package)
		t := p.test(e.Test, x.cap)
		sub := strings.Contains(e.Test, "/")
		switch e.Action {
		case "run":
			if !sub {
				t.Ran = true
			}
		case "output":
			t.Output.WriteString(e.Output)
			if e.OutputType == "error" || e.OutputType == "error-continue" {
				t.Errors.WriteString(e.Output)
			}
		case "pass", "fail", "skip":
			if sub {
				t.Subtests[e.Test] = e.Action
				break
			}
			// A fail is final: nothing after it can turn it into a pass.
			if t.Action != "fail" {
				t.Action = e.Action
			}
			t.Elapsed = seconds(e.Elapsed)
		}
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Read reads a `go test -json` stream into x. Lines that are not JSON
// (go test's own summaries) are ignored; a line longer than the 64 KiB
// buffer can only be output (a submission printing without newlines) and
// is skipped rather than buffered. It returns the reader's error, if any.
func (x *Execution) Read(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long bool
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = true
			continue
		}
		if !long && len(line) > 0 {
			x.addLine(line)
		}
		long = false
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (x *Execution) addLine(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] != '{' {
		return
	}
	var e Event
	if json.Unmarshal(line, &e) != nil {
		return
	}
	x.Add(e)
}
