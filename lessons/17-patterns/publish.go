package patterns

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// publish has a writer Store 200 configs in an atomic.Pointer while
// readers Load them without a lock, counting torn and older configs;
// then reads a read-mostly cache through sync.Map and through a map
// under an RWMutex.
func publish(ctx context.Context, s *lesson.Stage) error {
	s.Heading("atomic.Pointer: a writer publishes %d configs, %d readers use them, no lock", versions, cfgReaders)
	var current atomic.Pointer[Config]
	current.Store(newConfig(1))

	var torn, backwards, loads atomic.Int64
	seen := make([]int, cfgReaders)
	var wg, ready sync.WaitGroup
	ready.Add(cfgReaders)
	for r := range cfgReaders {
		wg.Go(func() {
			ready.Done()
			last := 0
			for last < versions && ctx.Err() == nil {
				c := current.Load() // one atomic read: the whole config or the previous one
				loads.Add(1)
				if c.Check != c.Version*len(c.Routes) {
					torn.Add(1)
				}
				if c.Version < last {
					backwards.Add(1)
				}
				if c.Version != last {
					seen[r]++
				}
				last = c.Version
				runtime.Gosched() // let the writer in: it shares the cores with 4 busy readers
			}
		})
	}
	ready.Wait() // every reader is reading
	for v := 2; v <= versions && ctx.Err() == nil; v++ {
		current.Store(newConfig(v))        // the Store orders the building before any Load that sees it
		time.Sleep(100 * time.Microsecond) // the readers get to see most versions
	}
	wg.Wait()
	s.Say("%s loads; versions seen per reader: %v", lesson.Number(float64(loads.Load())), seen)
	s.Finding("torn-configs", float64(torn.Load()), "")
	s.Finding("went-backwards", float64(backwards.Load()), "")
	s.Finding("final-version", float64(current.Load().Version), "")
	if err := s.Pause(ctx, "sync.Map or a map with an RWMutex: which is faster for a read-mostly cache?"); err != nil {
		return err
	}

	s.Heading("sync.Map: keys written once, then read by many goroutines")
	ops := max(int(200_000*s.Scale(time.Second).Seconds()), 20_000)
	var sm sync.Map
	rw := struct {
		sync.RWMutex
		m map[int]int
	}{m: map[int]int{}}
	for k := range cacheKeys {
		sm.Store(k, k*k)
		rw.m[k] = k * k
	}
	readAll := func(get func(int) (int, bool)) (time.Duration, int64) {
		var hits atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for g := range cfgReaders {
			wg.Go(func() {
				n := int64(0)
				for i := range ops {
					if v, ok := get((i + g) % cacheKeys); ok && v >= 0 {
						n++
					}
				}
				hits.Add(n)
			})
		}
		wg.Wait()
		return time.Since(start), hits.Load()
	}
	smTime, smHits := readAll(func(k int) (int, bool) {
		v, ok := sm.Load(k)
		if !ok {
			return 0, false
		}
		return v.(int), true
	})
	rwTime, rwHits := readAll(func(k int) (int, bool) {
		rw.RLock()
		defer rw.RUnlock()
		v, ok := rw.m[k]
		return v, ok
	})
	total := float64(cfgReaders * ops)
	s.Say("%s reads each: sync.Map %v, map+RWMutex %v", lesson.Number(total), smTime.Round(time.Millisecond), rwTime.Round(time.Millisecond))
	s.Finding("syncmap-hits", float64(smHits), "of "+lesson.Number(total))
	s.Finding("rwmutex-hits", float64(rwHits), "of "+lesson.Number(total))
	s.Finding("syncmap-ns", float64(smTime.Nanoseconds())/total, "ns/read")
	s.Finding("rwmutex-ns", float64(rwTime.Nanoseconds())/total, "ns/read")
	s.Say("Readers of an atomic.Pointer never wait and never see half a config: build the new")
	s.Say("value completely, then Store it; never change a published one. sync.Map is for the two")
	s.Say("cases its docs name: keys written once and read many times (a cache), or goroutines")
	s.Say("working on disjoint keys. Its reads then touch no shared lock word, which is where")
	s.Say("RWMutex loses on many cores; on two, as here, the difference is small. Anything else:")
	s.Say("a plain map with a Mutex, and a type of your own.")
	return ctx.Err()
}

// Config is built once and never changed after it is published: readers
// share it without a lock because nobody writes it any more.
type Config struct {
	Version int
	Routes  map[string]string
	Check   int // Version*len(Routes): a reader can tell a half-built config
}

const (
	versions   = 200
	cfgReaders = 4
	cacheKeys  = 64
)

func newConfig(v int) *Config {
	c := &Config{Version: v, Routes: map[string]string{}}
	for i := range 8 {
		c.Routes[fmt.Sprintf("/r%d", i)] = fmt.Sprintf("backend-%d-%d", v, i)
	}
	c.Check = v * len(c.Routes)
	return c // built completely before anyone can see it
}
