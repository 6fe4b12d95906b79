package rwmutex

import (
	"sync"
)

// Slots is the size of a Table.
const Slots = 128

// Table is the shared state of the benchmarks: readers sum a span of its
// slots, writers set one. MutexTable and RWTable are the same table behind
// a sync.Mutex and behind a sync.RWMutex.
type Table interface {
	Read(span int) int
	Write(i, v int)
}

// MutexTable guards its slots with a sync.Mutex: readers exclude each
// other.
type MutexTable struct {
	mu    sync.Mutex
	slots [Slots]int
}

// Read sums the first span slots.
func (t *MutexTable) Read(span int) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return sum(t.slots[:span])
}

// Write sets slot i.
func (t *MutexTable) Write(i, v int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.slots[i%Slots] = v
}

// RWTable guards its slots with a sync.RWMutex: readers share RLock,
// writers take Lock alone.
type RWTable struct {
	mu    sync.RWMutex
	slots [Slots]int
}

// Read sums the first span slots under the read lock.
func (t *RWTable) Read(span int) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return sum(t.slots[:span])
}

// Write sets slot i under the write lock.
func (t *RWTable) Write(i, v int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.slots[i%Slots] = v
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// Workload is a mix of reads and writes.
type Workload struct {
	Name       string
	WriteEvery int // every WriteEvery-th operation writes; 0 never
	Span       int // slots a read sums: the length of the read's critical section
}

// Workloads are the mixes the benchmarks and rwbench measure.
var Workloads = []Workload{
	{Name: "read-mostly", WriteEvery: 100, Span: Slots},
	{Name: "write-heavy", WriteEvery: 2, Span: Slots},
	{Name: "write-only", WriteEvery: 1, Span: Slots},
}

// Hammer runs ops operations of workload w on t, split across goroutines
// running at the same time, and returns when all are done.
func Hammer(t Table, w Workload, goroutines, ops int) {
	var wg sync.WaitGroup
	for g := range goroutines {
		n := ops / goroutines
		if g < ops%goroutines {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sink := 0
			for i := range n {
				if w.WriteEvery > 0 && i%w.WriteEvery == 0 {
					t.Write(g+i, i)
				} else {
					sink += t.Read(w.Span)
				}
			}
			_ = sink
		}()
	}
	wg.Wait()
}
