package gradebook

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
)

// Options say whom to grade and how.
type Options struct {
	Students  []Student
	Exercises []exercises.Exercise
	// Grade grades one submission, as `conclab grade --dir` does. An error
	// means grading could not run at all (an empty folder): the student's
	// row says so (Failed) and the others go on.
	Grade func(ctx context.Context, s Student) (*grade.Result, error)
	// State is the folder keeping each student's result as it is known
	// ("" keeps none): a later run reuses them, unless Force.
	State string
	Force bool
	// Jobs is how many submissions are graded at once (1 if < 1).
	Jobs int
	// Progress, if set, is called as each submission starts and ends
	// (never twice at once).
	Progress func(Progress)
}

// Progress is where a class run stands.
type Progress struct {
	Done, Total int
	// Skipped counts the students whose kept result was reused.
	Skipped int
	// Grading names the folders being graded now.
	Grading []string
	// Finished is the entry just graded (nil when one just started).
	Finished *Entry
	Took     time.Duration // how long Finished took
	Elapsed  time.Duration
	// Remaining is the estimated time left (0 until one was graded).
	Remaining time.Duration
}

// Outcome is what a class run did.
type Outcome struct {
	Book            *Book
	Graded, Skipped int
}

// Run grades every student of opts (reusing the results kept in
// opts.State), a few at once, and returns the book. When ctx ends it
// stops starting new ones and returns ctx's error: what was graded is kept
// in the state folder for the next run.
func Run(ctx context.Context, opts Options) (*Outcome, error) {
	if opts.Jobs < 1 {
		opts.Jobs = 1
	}
	ids := IDs(opts.Exercises)
	if opts.State != "" {
		if err := os.MkdirAll(opts.State, 0o755); err != nil {
			return nil, fmt.Errorf("the state folder: %w", err)
		}
	}
	out := &Outcome{}
	entries := make([]*Entry, len(opts.Students))
	var todo []int
	for i, s := range opts.Students {
		if opts.State != "" && !opts.Force {
			if e := load(opts.State, s, ids); e != nil {
				entries[i] = e
				out.Skipped++
				continue
			}
		}
		todo = append(todo, i)
	}

	start := time.Now()
	var mu sync.Mutex
	grading := map[string]bool{}
	done, graded := out.Skipped, 0
	report := func(finished *Entry, took time.Duration) {
		if opts.Progress == nil {
			return
		}
		p := Progress{Done: done, Total: len(opts.Students), Skipped: out.Skipped, Finished: finished, Took: took, Elapsed: time.Since(start)}
		for f := range grading {
			p.Grading = append(p.Grading, f)
		}
		slices.Sort(p.Grading)
		if graded > 0 {
			// Each finish took elapsed/graded of wall time, jobs overlapping.
			p.Remaining = p.Elapsed / time.Duration(graded) * time.Duration(len(opts.Students)-done)
		}
		opts.Progress(p)
	}

	var saveErr error
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.Jobs, max(1, len(todo))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				s := opts.Students[i]
				mu.Lock()
				grading[s.Folder] = true
				report(nil, 0)
				mu.Unlock()
				t0 := time.Now()
				res, err := opts.Grade(ctx, s)
				if ctx.Err() != nil {
					// Cut short: not a verdict on the student.
					mu.Lock()
					delete(grading, s.Folder)
					mu.Unlock()
					continue
				}
				if err != nil {
					res = Failed(opts.Exercises, err)
				}
				e := &Entry{Folder: s.Folder, Name: s.Name, Graded: ids, Report: res}
				var serr error
				if opts.State != "" {
					serr = save(opts.State, e)
				}
				mu.Lock()
				if serr != nil && saveErr == nil {
					saveErr = serr
				}
				entries[i] = e
				delete(grading, s.Folder)
				done++
				graded++
				report(e, time.Since(t0))
				mu.Unlock()
			}
		}()
	}
feed:
	for _, i := range todo {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	out.Graded = graded
	if err := ctx.Err(); err != nil {
		return out, err
	}
	if saveErr != nil {
		return out, fmt.Errorf("keeping a result in %s: %w", opts.State, saveErr)
	}
	out.Book = New(entries)
	return out, nil
}

// statePath is where s's result is kept.
func statePath(state, folder string) string {
	return filepath.Join(state, folder+".json")
}

// load is s's kept result if it was graded for the same exercises.
func load(state string, s Student, ids []string) *Entry {
	b, err := os.ReadFile(statePath(state, s.Folder))
	if err != nil {
		return nil
	}
	var e Entry
	if json.Unmarshal(b, &e) != nil || e.Report == nil || e.Folder != s.Folder || !slices.Equal(e.Graded, ids) {
		return nil
	}
	e.Name = s.Name // the roster may have changed since
	return &e
}

// save keeps e in the state folder atomically: written to a temporary
// file beside it, then renamed over it, so that a run killed half-way
// leaves either the whole result or none.
func save(state string, e *Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(state, ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	if werr == nil {
		werr = f.Sync()
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Rename(f.Name(), statePath(state, e.Folder))
	}
	if werr != nil {
		os.Remove(f.Name())
	}
	return werr
}
