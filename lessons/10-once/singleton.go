package once

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version's singleton: ten threads, and a constructor that sleeps
// 0.2 s, long enough for every thread to arrive while it runs.
const (
	callers   = 10
	buildTime = 200 * time.Millisecond
)

// config is the expensive shared object a singleton stands for: settings
// parsed from a file, a connection pool. Its serial number tells copies
// apart.
type config struct{ serial int32 }

// factory builds configs slowly and counts how many it has built: the
// number every demo of this lesson is about.
type factory struct {
	s     *lesson.Stage
	built atomic.Int32
}

func (f *factory) build(ctx context.Context) (*config, error) {
	n := f.built.Add(1)
	if err := f.s.Sleep(ctx, buildTime); err != nil {
		return nil, err
	}
	return &config{serial: n}, nil
}

// distinct counts the different objects the callers got.
func distinct(got []*config) int {
	seen := map[*config]bool{}
	for _, c := range got {
		seen[c] = true
	}
	return len(seen)
}

// doubleChecked is the classic teaching version's singleton, written for Go.
type doubleChecked struct {
	mu sync.Mutex
	// instance is read by the first check without the lock, so it must
	// be atomic: a plain pointer read there would race with the write
	// under the lock (the detector would say so).
	instance atomic.Pointer[config]
	locked   int // how many calls took the lock; guarded by mu
}

func (l *doubleChecked) get(ctx context.Context, f *factory, lane *lesson.Lane) (*config, error) {
	if c := l.instance.Load(); c != nil { // first check: once built, no lock at all
		return c, nil
	}
	lane.Waiting("singleton lock")
	l.mu.Lock()
	defer l.mu.Unlock()
	lane.Acquired("singleton lock")
	defer lane.Released("singleton lock")
	l.locked++
	if c := l.instance.Load(); c != nil { // second check: someone built it while we waited
		return c, nil
	}
	c, err := f.build(ctx) // only the first one in gets here
	if err != nil {
		return nil, err
	}
	l.instance.Store(c)
	return c, nil
}

func lockedSingleton(ctx context.Context, s *lesson.Stage) error {
	f := &factory{s: s}
	var single doubleChecked
	s.Heading("%d goroutines ask for the singleton at once", callers)
	got := make([]*config, callers) // slot i is goroutine i's
	errs := make([]error, callers)
	start := make(chan struct{}) // a starting gun: nobody asks before all are ready
	var wg sync.WaitGroup
	for i := range callers {
		lane := s.Lane(fmt.Sprintf("caller %d", i+1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Start()
			defer lane.Done()
			<-start
			got[i], errs[i] = single.get(ctx, f, lane)
			if errs[i] == nil {
				lane.Printf("got config #%d", got[i].serial)
			}
		}()
	}
	close(start)
	wg.Wait()
	if err := firstErr(errs); err != nil {
		return err
	}
	lockedFirst := single.locked // all goroutines are done: no lock needed to read

	s.Heading("%d more calls, now that it exists", callers)
	for i := range callers {
		c, err := single.get(ctx, f, s.Lane(fmt.Sprintf("caller %d", i+1)))
		if err != nil {
			return err
		}
		got = append(got, c)
	}
	if err := s.Pause(ctx, "how many objects, and who took the lock?"); err != nil {
		return err
	}
	s.Finding("constructed", float64(f.built.Load()), "objects built")
	s.Finding("distinct", float64(distinct(got)), "different objects among 20 calls")
	s.Finding("took-lock", float64(lockedFirst), "of the first 10 calls")
	s.Finding("took-lock-later", float64(single.locked-lockedFirst), "of the 10 later calls")
	s.Say("Why lock: without it, every goroutine that saw nil would build (next demo).")
	s.Say("Why check twice: the first check spares later calls the lock; the second one,")
	s.Say("under the lock, stops the goroutines that queued behind the builder from building again.")
	return nil
}

func unlockedSingleton(ctx context.Context, s *lesson.Stage) error {
	f := &factory{s: s}
	var instance *config // shared by every caller, guarded by nothing

	// checked stands in for bad luck: nobody goes on to build until every
	// caller has done the nil check. In real programs the 0.2 s window
	// between check and assignment does the same, just not every time.
	var checked sync.WaitGroup
	checked.Add(callers)
	get := func() (*config, error) {
		if instance == nil { // check...
			checked.Done()
			checked.Wait()
			c, err := f.build(ctx)
			if err != nil {
				return nil, err
			}
			instance = c // ...then act: every caller that saw nil builds its own
		}
		return instance, nil
	}

	s.Heading("%d goroutines ask for the singleton, with no lock", callers)
	got := make([]*config, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		lane := s.Lane(fmt.Sprintf("caller %d", i+1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Start()
			// No stage calls between the check and the write: the stage's
			// lock would order the writes and hide the race.
			got[i], errs[i] = get()
			if errs[i] == nil {
				lane.Printf("got config #%d", got[i].serial)
			}
			lane.Done()
		}()
	}
	wg.Wait()
	if err := firstErr(errs); err != nil {
		return err
	}
	if err := s.Pause(ctx, "how many objects were built?"); err != nil {
		return err
	}
	s.Finding("constructed", float64(f.built.Load()), "objects built")
	s.Finding("distinct", float64(distinct(got)), "different objects handed out")
	s.Say("Every goroutine saw nil, so every one built: ten connections opened, ten files")
	s.Say("parsed, and callers holding different \"singletons\". The last write won the variable.")
	if !lesson.RaceEnabled {
		s.Say("Run it with --race to see the race detector's report: conclab run once unlocked-singleton --race")
	}
	return nil
}

func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// plainChecked is the classic teaching version's singleton copied literally: the first
// check reads a plain pointer, without the lock.
type plainChecked struct {
	mu       sync.Mutex
	instance *config
}

func (p *plainChecked) get(ctx context.Context, f *factory) (*config, error) {
	if c := p.instance; c != nil { // first check, no lock: nothing orders this read after the write below
		return c, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.instance == nil { // second check, under the lock
		c, err := f.build(ctx)
		if err != nil {
			return nil, err
		}
		p.instance = c // the write, under the lock
	}
	return p.instance, nil
}

func plainCheck(ctx context.Context, s *lesson.Stage) error {
	f := &factory{s: s}
	var single plainChecked
	s.Heading("%d goroutines at once, and one that asks after the object is built", callers)
	got := make([]*config, callers+1)
	errs := make([]error, callers+1)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range callers + 1 {
		late := i == callers
		name := fmt.Sprintf("caller %d", i+1)
		if late {
			name = "late caller"
		}
		lane := s.Lane(name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Start()
			defer lane.Done()
			<-start
			if late {
				// Waiting is not synchronising: the late caller's read
				// comes after the write in time, yet nothing (no lock, no
				// channel) orders it after the write.
				if err := s.Sleep(ctx, 2*buildTime); err != nil {
					errs[i] = err
					return
				}
			}
			got[i], errs[i] = single.get(ctx, f)
		}()
	}
	close(start)
	wg.Wait()
	if err := firstErr(errs); err != nil {
		return err
	}
	if err := s.Pause(ctx, "one object for all: is this code correct?"); err != nil {
		return err
	}
	s.Finding("constructed", float64(f.built.Load()), "objects built")
	s.Finding("distinct", float64(distinct(got)), "different objects among 11 callers")
	s.Say("The right answer, and still a data race: the first check reads instance with no")
	s.Say("lock while another goroutine writes it under the lock. One side locking is not")
	s.Say("enough; in Go the unlocked read must be atomic (atomic.Pointer), or use sync.Once.")
	if !lesson.RaceEnabled {
		s.Say("Run it with --race to see the race detector's report: conclab run once plain-check --race")
	}
	return nil
}
