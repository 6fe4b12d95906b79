package pools

// The stage plumbing this lesson's demos share: a gauge of how many
// goroutines are inside a section, and small helpers for their errors
// and printing. The demos' stories are in their own files
// (pooloften.go, orderedmap.go, futures.go, firsterror.go, syncpool.go).

import (
	"slices"
	"sync"
)

// gauge counts how many goroutines are inside a section right now and the
// most there ever were. It has its own mutex, so it measures the pool
// without being part of it.
type gauge struct {
	mu        sync.Mutex
	now, peak int
}

func (g *gauge) enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now++
	g.peak = max(g.peak, g.now)
}

func (g *gauge) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now--
}

func (g *gauge) highest() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak
}

// firstErr is the first error of errs that is not nil: the error of a
// demo whose goroutines each kept their own.
func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// plusOne turns input indexes into input numbers, for printing.
func plusOne(idx []int) []int {
	out := slices.Clone(idx)
	for i := range out {
		out[i]++
	}
	return out
}
