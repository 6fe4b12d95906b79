// Package indexer is the component that exercise 17's check tests: Add
// hands a document to a background goroutine, which indexes it a little
// later and then calls the hook given to New.
//
// It is canonical code, not the learner's: the graded tests build
// indexers with options (a delay, a fault) that the learner's check never
// sees, and the check can only observe what any test could: Add, Has,
// Close and the hook.
package indexer

import (
	"sync"
	"time"
)

// Indexer indexes documents in a goroutine of its own, one at a time.
type Indexer struct {
	mu      sync.Mutex
	indexed map[string]bool

	queue     chan string
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once

	onIndexed func(doc string)
	cfg       config
}

// Option configures an indexer made by New. The graded tests use them to
// make slow, quick and broken indexers; a check never needs one.
type Option func(*config)

type config struct {
	delay    time.Duration
	fault    fault
	observer Observer
}

type fault int

const (
	none        fault = iota
	never             // the document is dropped: never stored, no hook
	hookFirst         // the hook runs before the document is stored
	hookNoStore       // the hook runs, the document is never stored
)

// Delay makes indexing one document take d (the default is 1 ms).
func Delay(d time.Duration) Option { return func(c *config) { c.delay = d } }

// NeverIndexes makes a broken indexer: Add accepts a document, which is
// never stored (Has stays false) and never reported to the hook.
func NeverIndexes() Option { return func(c *config) { c.fault = never } }

// HookBeforeStore makes a broken indexer that calls the hook first and
// stores the document a millisecond later: Has is false while the hook
// runs and just after it returns.
func HookBeforeStore() Option { return func(c *config) { c.fault = hookFirst } }

// ForgetsDocuments makes a broken indexer that calls the hook but never
// stores the document: Has stays false.
func ForgetsDocuments() Option { return func(c *config) { c.fault = hookNoStore } }

// Observer receives what happens to an indexer, for the graded tests:
// Added after each Add, Closed once, when Close is first called.
type Observer struct {
	Added  func(doc string)
	Closed func()
}

// Observe sets the indexer's observer.
func Observe(o Observer) Option { return func(c *config) { c.observer = o } }

// New starts an indexer that calls onIndexed (if not nil) from its
// goroutine once a document is indexed, that is, once Has reports it.
// Close stops it.
func New(onIndexed func(doc string), opts ...Option) *Indexer {
	ix := &Indexer{
		indexed:   map[string]bool{},
		queue:     make(chan string, 64),
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
		onIndexed: onIndexed,
		cfg:       config{delay: time.Millisecond},
	}
	for _, o := range opts {
		o(&ix.cfg)
	}
	go ix.run()
	return ix
}

// Add hands doc to the indexer; it is indexed later. Add blocks while 64
// documents are waiting, and does nothing after Close.
func (ix *Indexer) Add(doc string) {
	select {
	case ix.queue <- doc:
		if ix.cfg.observer.Added != nil {
			ix.cfg.observer.Added(doc)
		}
	case <-ix.stop:
	}
}

// Has reports whether doc has been indexed.
func (ix *Indexer) Has(doc string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.indexed[doc]
}

// Close stops the indexer, dropping the documents not yet indexed, and
// returns once its goroutine has. Calling it again does nothing.
func (ix *Indexer) Close() {
	ix.closeOnce.Do(func() {
		if ix.cfg.observer.Closed != nil {
			ix.cfg.observer.Closed()
		}
		close(ix.stop)
	})
	<-ix.done
}

func (ix *Indexer) run() {
	defer close(ix.done)
	for {
		select {
		case <-ix.stop:
			return
		case doc := <-ix.queue:
			if !ix.pause(ix.cfg.delay) {
				return
			}
			switch ix.cfg.fault {
			case none:
				ix.store(doc)
				ix.hook(doc)
			case never:
			case hookFirst:
				ix.hook(doc)
				if !ix.pause(time.Millisecond) {
					return
				}
				ix.store(doc)
			case hookNoStore:
				ix.hook(doc)
			}
		}
	}
}

// pause waits d, or less if the indexer is closed meanwhile (then it
// returns false).
func (ix *Indexer) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ix.stop:
		return false
	}
}

func (ix *Indexer) store(doc string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.indexed[doc] = true
}

func (ix *Indexer) hook(doc string) {
	if ix.onIndexed != nil {
		ix.onIndexed(doc)
	}
}
