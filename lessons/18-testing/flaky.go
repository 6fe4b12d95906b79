package testcode

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// flaky runs the same test of the Indexer 100 times two ways: sleeping
// "long enough" before looking (flakyCheck), and waiting on the hook the
// indexer's goroutine calls once a document is indexed (hookedCheck).
func flaky(ctx context.Context, s *lesson.Stage) error {
	s.Say("The same test, %d times: add a document, then check that it is indexed.", trials)
	for _, c := range []struct {
		key, title string
		check      func() bool
	}{
		{"sleep", "Sleep 1 ms, then look (indexing takes 0 to 2 ms)", flakyCheck},
		{"hook", "Wait for the indexer's hook, then look", hookedCheck},
	} {
		s.Heading("%s", c.title)
		failed := 0
		for range trials {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !c.check() {
				failed++
			}
		}
		s.Say("failed %d of %d runs", failed, trials)
		s.Finding(c.key+"-failed", float64(failed), "of 100 runs")
	}
	s.Say("The sleep raced the indexer and lost about half the time; a longer sleep only makes")
	s.Say("it lose less often, and slower. The hook turns \"wait long enough\" into \"wait for")
	s.Say("the event\": a hook, a channel the component closes, a barrier in a fake. For time")
	s.Say("itself (timeouts, tickers, TTLs), testing/synctest's fake clock does the same.")
	return nil
}

// flakyCheck is the test as it is often first written: add, sleep "long
// enough", look. It passes when indexing was quicker than the sleep.
func flakyCheck() bool {
	ix := NewIndexer(nil)
	defer ix.Close()
	ix.Add("report.pdf")
	time.Sleep(time.Millisecond) // "surely indexed by now"
	return ix.Has("report.pdf")
}

// hookedCheck waits for the event itself: the hook closes a channel when
// the document is indexed, and the test waits on it, with a deadline
// that only a broken indexer ever reaches.
func hookedCheck() bool {
	indexed := make(chan struct{})
	ix := NewIndexer(func(doc string) {
		if doc == "report.pdf" {
			close(indexed)
		}
	})
	defer ix.Close()
	ix.Add("report.pdf")
	select {
	case <-indexed:
	case <-time.After(10 * time.Second):
		return false // lost: never indexed
	}
	return ix.Has("report.pdf")
}

// Indexer is the component: Add hands a document to a background
// goroutine, which indexes it a little later. OnIndexed, if set, is a
// hook that the indexer calls after each document: tests use it, the
// program leaves it nil.
type Indexer struct {
	mu        sync.Mutex
	indexed   map[string]bool
	queue     chan string
	done      chan struct{}
	OnIndexed func(doc string)
}

// NewIndexer starts the indexing goroutine; Close stops it.
func NewIndexer(hook func(string)) *Indexer {
	ix := &Indexer{indexed: map[string]bool{}, queue: make(chan string, 16), done: make(chan struct{}), OnIndexed: hook}
	go func() {
		defer close(ix.done)
		for doc := range ix.queue {
			// Indexing takes 0 to 2 ms, as real work varies with the load.
			time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
			ix.mu.Lock()
			ix.indexed[doc] = true
			ix.mu.Unlock()
			if ix.OnIndexed != nil {
				ix.OnIndexed(doc)
			}
		}
	}()
	return ix
}

// Add hands doc to the indexing goroutine and returns before it is indexed.
func (ix *Indexer) Add(doc string) { ix.queue <- doc }

// Has reports whether doc has been indexed yet.
func (ix *Indexer) Has(doc string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.indexed[doc]
}

// Close stops the indexing goroutine once the queue is done and waits for it.
func (ix *Indexer) Close() { close(ix.queue); <-ix.done }

// trials is how many times each version of the test runs.
const trials = 100
