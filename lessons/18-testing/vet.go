package testcode

import (
	"context"
	"strings"

	"github.com/conclab/conclab/lessons/lesson"
)

// vet runs go vet on vetCode, which compiles and holds a copied mutex,
// a wg.Add inside the goroutine and a cancel that is never called.
func vet(ctx context.Context, s *lesson.Stage) error {
	s.Say("This package compiles and its tests may well pass. Three bugs, three vet checks:")
	_, _ = s.Write([]byte(indent(vetCode)))
	if err := s.Pause(ctx, "what does go vet find?"); err != nil {
		return err
	}
	out, _, err := goTool(ctx, s, map[string]string{"demo.go": vetCode}, nil, "vet", ".")
	if err == errNoGo {
		return noGo(s, "go vet")
	} else if err != nil {
		return err
	}
	show(s, "go vet .", out, func(l string) bool { return strings.Contains(l, ".go:") }, 10)
	found := 0
	for _, a := range analyzers {
		if strings.Contains(out, a.says) {
			found++
			s.Say("  %-10s found it", a.name)
		} else {
			s.Warn("  %-10s said nothing", a.name)
		}
	}
	s.Finding("vet-checks-fired", float64(found), "of 3")
	s.Say("go test runs a few vet checks itself (atomic, bool, buildtags, directive, errorsas,")
	s.Say("ifaceassert, nilfunc, printf, stringintconv, tests); copylocks, waitgroup and")
	s.Say("lostcancel only run with go vet: put `go vet ./...` in CI next to `go test -race`.")
	return nil
}

// vetCode compiles, and has three concurrency bugs that go vet's
// analyzers find without running anything.
const vetCode = `package demo

import (
	"context"
	"sync"
	"time"
)

type Counter struct {
	mu sync.Mutex
	n  int
}

// Inc has a value receiver: it locks a copy of the mutex (copylocks).
func (c Counter) Inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

// RunAll calls wg.Add inside the goroutine: Wait may run first (waitgroup).
func RunAll(jobs []func()) {
	var wg sync.WaitGroup
	for _, job := range jobs {
		go func() {
			wg.Add(1)
			defer wg.Done()
			job()
		}()
	}
	wg.Wait()
}

// Fetch drops the cancel function: the context's timer lives on (lostcancel).
func Fetch(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second)
	<-ctx.Done()
	return ctx.Err()
}
`

// analyzers are the vet checks this demo expects, with a word from
// each one's report.
var analyzers = []struct{ name, says string }{
	{"copylocks", "passes lock by value"},
	{"waitgroup", "WaitGroup.Add called from inside new goroutine"},
	{"lostcancel", "cancel function returned by context.WithTimeout should be called"},
}

func indent(text string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n    ") + "\n"
}
