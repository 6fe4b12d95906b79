package once

import (
	"context"
	"errors"
	"sync"

	"github.com/conclab/conclab/lessons/lesson"
)

// crowd is how many goroutines call the getter at once in the sync.Once
// demos.
const crowd = 100

// callTogether starts crowd goroutines that call get at the same moment
// and returns what each got, by goroutine.
func callTogether(get func() (*config, error)) ([]*config, error) {
	got := make([]*config, crowd)
	errs := make([]error, crowd)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range crowd {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i], errs[i] = get()
		}()
	}
	close(start)
	wg.Wait()
	return got, errors.Join(errs...)
}

func withOnce(ctx context.Context, s *lesson.Stage) error {
	f := &factory{s: s}
	var (
		once     sync.Once
		instance *config // written only inside once.Do
		buildErr error
	)
	get := func() (*config, error) {
		// Do runs the function for the first caller only, and every other
		// caller waits inside Do until it has returned: when Do returns,
		// instance is set, for everyone, with no data race.
		once.Do(func() { instance, buildErr = f.build(ctx) })
		return instance, buildErr
	}

	s.Heading("%d goroutines call get() at once; get uses sync.Once", crowd)
	got, err := callTogether(get)
	if err != nil {
		return err
	}
	if err := s.Pause(ctx, "how many constructions?"); err != nil {
		return err
	}
	s.Finding("callers", float64(len(got)), "goroutines")
	s.Finding("constructed", float64(f.built.Load()), "objects built")
	s.Finding("distinct", float64(distinct(got)), "different pointers returned")
	s.Say("No nil check, no lock, no second check: sync.Once holds all three, done right.")
	return nil
}

func withOnceValue(ctx context.Context, s *lesson.Stage) error {
	f := &factory{s: s}
	// The whole singleton, in one line: a function that builds on its
	// first call and returns the same result to every call after.
	getConfig := sync.OnceValues(func() (*config, error) { return f.build(ctx) })

	s.Heading("%d goroutines call getConfig() at once; it is sync.OnceValues(build)", crowd)
	got, err := callTogether(getConfig)
	if err != nil {
		return err
	}
	if err := s.Pause(ctx, "how many constructions?"); err != nil {
		return err
	}
	s.Finding("callers", float64(len(got)), "goroutines")
	s.Finding("constructed", float64(f.built.Load()), "objects built")
	s.Finding("distinct", float64(distinct(got)), "different pointers returned")
	s.Say("sync.OnceValue(f) for a value, sync.OnceValues(f) for a value and an error.")
	return nil
}

// errNoFile is the constructor's failure in the once-error demo.
var errNoFile = errors.New("open settings.toml: no such file or directory")

func onceError(ctx context.Context, s *lesson.Stage) error {
	attempts := 0
	fileExists := false
	// Called only through sync.OnceValues, which runs it at most once:
	// attempts and fileExists need no lock.
	load := func() (*config, error) {
		attempts++
		if !fileExists {
			return nil, errNoFile
		}
		return &config{serial: 1}, nil
	}
	getConfig := sync.OnceValues(load)

	s.Heading("The settings file is missing on the first call")
	failures := 0
	for call := range 3 {
		if call == 1 {
			fileExists = true // the file appears; nobody calls load again anyway
			s.Say("(the file now exists)")
		}
		c, err := getConfig()
		if err != nil {
			failures++
			s.Say("call %d: error: %v", call+1, err)
			continue
		}
		s.Say("call %d: config #%d", call+1, c.serial)
	}
	if err := s.Pause(ctx, "how many times did it try to load?"); err != nil {
		return err
	}
	s.Finding("attempts", float64(attempts), "constructor calls")
	s.Finding("failures", float64(failures), "of 3 calls")
	s.Say("Once means once: a failed construction is remembered like a successful one.")
	s.Say("If a failure should be retried, keep a mutex and a pointer set only on success.")
	return nil
}
