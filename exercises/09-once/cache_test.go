package once_test

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	once "github.com/conclab/conclab/exercises/09-once"
)

// loads counts the calls of a Cache's load function per key.
type loads struct {
	mu sync.Mutex
	n  map[string]int
}

// add counts one load of key and returns how many there have been.
func (l *loads) add(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == nil {
		l.n = map[string]int{}
	}
	l.n[key]++
	return l.n[key]
}

// of returns how many times key was loaded.
func (l *loads) of(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n[key]
}

// TestCacheLoadsEachKeyOnce: 10 goroutines for each of 3 keys call Get
// at once; each key must load once, and every caller of a key get the
// same value. It runs in a synctest bubble with CONCLAB_GAPS=1: under
// conclab's grader each unlock in the cache then waits until every other
// goroutine has reached its own next step, so a Get that looks the key up
// under the lock, unlocks, and locks again to store its entry lets the
// other callers of that key miss too, in every run. Under -race, a map
// read or written without the lock is reported.
func TestCacheLoadsEachKeyOnce(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		const perKey = 10
		keys := []string{"a", "b", "c"}
		var count loads
		cache := once.NewCache(func(key string) (*config, error) {
			return &config{build: count.add(key)}, nil
		})
		for _, k := range keys {
			require.Zero(t, count.of(k), "NewCache loaded %q; loads must wait for the first Get of their key", k)
		}
		got := make(map[string][]*config)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, k := range keys {
			for range perKey {
				wg.Go(func() {
					v, err := cache.Get(k)
					assert.NoError(t, err, "Get(%q)", k)
					mu.Lock()
					defer mu.Unlock()
					got[k] = append(got[k], v)
				})
			}
		}
		wg.Wait()
		for _, k := range keys {
			assert.Equal(t, 1, count.of(k),
				"%d goroutines called Get(%q) at once and it loaded %d times; it must load once: "+
					"finding the key's entry and making it when it is missing is one step under the lock "+
					"(check, unlock, lock again to store lets every caller miss)", perKey, k, count.of(k))
			for _, v := range got[k] {
				if !assert.Same(t, got[k][0], v, "callers of Get(%q) got different values; all must get the one load's", k) {
					break
				}
			}
			later, err := cache.Get(k)
			assert.NoError(t, err)
			assert.Same(t, got[k][0], later, "a later Get(%q) must return the loaded value, not load again", k)
		}
		assert.Len(t, count.n, len(keys), "only the keys asked for are loaded")
	})
}

// TestCacheCallersWaitForTheLoad: 10 goroutines ask for a key whose load
// blocks. Until it is released, none may return (there is no value yet)
// and no second load may start; then all 10 get the one value.
func TestCacheCallersWaitForTheLoad(t *testing.T) {
	const callers = 10
	gate := make(chan struct{})
	var count loads
	cache := once.NewCache(func(key string) (*config, error) {
		n := count.add(key)
		<-gate
		return &config{build: n}, nil
	})
	results := make(chan *config, callers)
	for range callers {
		go func() {
			v, _ := cache.Get("slow")
			results <- v
		}()
	}
	// Every caller is either back already (wrong) or asleep in Get: in the
	// load, or waiting for it.
	asleep := waitAsleepInGet(callers, results)
	returnedEarly, loadsBefore := len(results), count.of("slow")
	close(gate)
	within(t, 3*time.Second, "10 Gets after the load was released", func() {
		for range callers {
			v := <-results
			if assert.NotNil(t, v, "a Get returned nil: it did not wait for the load") {
				assert.Equal(t, 1, v.build, "a Get returned the value of another load than the first")
			}
		}
	})
	assert.Equal(t, callers, asleep+returnedEarly, "some Gets neither returned nor went to sleep in 2 s (spinning?)")
	assert.Zero(t, returnedEarly,
		"%d Gets returned while the key's load was still running; they must wait for it and return its value", returnedEarly)
	assert.Equal(t, 1, loadsBefore, "%d loads of one key ran at once; the others must wait for the first", loadsBefore)
	assert.Equal(t, 1, count.of("slow"), "the key was loaded %d times; it must load once", count.of("slow"))
}

// TestCacheKeysLoadInParallel holds key "slow"'s load open and asks for
// key "fast": its Get must finish without waiting for "slow". The load of
// "slow" is released only after that, so a cache that holds one lock
// around every load makes Get("fast") wait for "slow", which waits for
// Get("fast"): the test sees Get("fast") asleep on the lock and fails.
func TestCacheKeysLoadInParallel(t *testing.T) {
	started := make(chan struct{})
	gate := make(chan struct{})
	cache := once.NewCache(func(key string) (string, error) {
		if key == "slow" {
			close(started)
			<-gate
		}
		return "value of " + key, nil
	})
	slow := make(chan string, 1)
	go func() {
		v, _ := cache.Get("slow")
		slow <- v
	}()
	select {
	case <-started:
	case v := <-slow:
		t.Fatalf("Get(\"slow\") returned %q without calling load", v)
	}
	fast := make(chan string, 1)
	go func() {
		v, _ := cache.Get("fast")
		fast <- v
	}()
	var v string
	var done, stuck bool
	for end := time.Now().Add(2 * time.Second); !done && !stuck && time.Now().Before(end); time.Sleep(time.Millisecond) {
		select {
		case v = <-fast:
			done = true
		default:
			stuck = getAsleepOnALock()
		}
	}
	close(gate)
	within(t, 3*time.Second, "Get(\"slow\") and Get(\"fast\") after slow's load was released", func() {
		assert.Equal(t, "value of slow", <-slow)
		if !done {
			v = <-fast
		}
	})
	require.True(t, done,
		"Get(\"fast\") waited for the load of \"slow\" (asleep on a lock: %v); a lock held while a load runs "+
			"makes every key wait for every other: hold the lock only to find or make the key's entry, "+
			"and let the entry (a sync.Once per key) make its own callers wait", stuck)
	assert.Equal(t, "value of fast", v)
}

// TestCacheErrorsAreFinalPerKey: the load of "bad" fails the first time
// (and would succeed the second); every Get of "bad", at once and later,
// returns that error, and "bad" never loads again. "good" is unaffected.
func TestCacheErrorsAreFinalPerKey(t *testing.T) {
	var count loads
	cache := once.NewCache(func(key string) (*config, error) {
		if count.add(key) == 1 && key == "bad" {
			return nil, errDown
		}
		return &config{build: 1}, nil
	})
	within(t, 3*time.Second, "Gets of a failing and a working key", func() {
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				v, err := cache.Get("bad")
				assert.ErrorIs(t, err, errDown, "every Get(\"bad\") must return its load's error")
				assert.Nil(t, v, "Get must return the load's value along with its error")
			})
			wg.Go(func() {
				v, err := cache.Get("good")
				assert.NoError(t, err, "a failed load of another key must not affect \"good\"")
				assert.NotNil(t, v)
			})
		}
		wg.Wait()
		_, err := cache.Get("bad")
		assert.ErrorIs(t, err, errDown, "a later Get(\"bad\") must return the same error: a failed load is not retried")
	})
	assert.Equal(t, 1, count.of("bad"), "\"bad\" was loaded %d times; after an error it must not load again", count.of("bad"))
	assert.Equal(t, 1, count.of("good"), "\"good\" was loaded %d times; it must load once", count.of("good"))
}

// waitAsleepInGet waits until n goroutines are asleep inside Cache.Get,
// or until they and the values already in results make n, and returns
// how many are asleep. It gives up after 2 s.
func waitAsleepInGet(n int, results chan *config) int {
	asleep := 0
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		asleep = 0
		for _, g := range goroutinesInGet() {
			if g.asleep {
				asleep++
			}
		}
		if asleep+len(results) >= n {
			break
		}
	}
	return asleep
}

// getAsleepOnALock reports whether a goroutine is asleep inside Cache.Get
// waiting for a lock (a Mutex or RWMutex), rather than in a load or on a
// channel.
func getAsleepOnALock() bool {
	for _, g := range goroutinesInGet() {
		if g.asleep && strings.Contains(g.status, "Lock") {
			return true
		}
	}
	return false
}

// inGet is a goroutine of the dump with Cache.Get on its stack.
type inGet struct {
	status string // e.g. "sync.Mutex.Lock", "chan receive", "running"
	asleep bool
}

// goroutinesInGet reads a dump of every goroutine and returns those with
// Cache.Get on their stacks.
func goroutinesInGet() []inGet {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	var gs []inGet
	for g := range strings.SplitSeq(string(buf[:n]), "\n\n") {
		if !strings.Contains(g, ".(*Cache[...]).Get(") {
			continue
		}
		header, _, _ := strings.Cut(g, "\n")
		_, status, _ := strings.Cut(header, "[")
		status, _, _ = strings.Cut(status, "]")
		status, _, _ = strings.Cut(status, ",")
		switch status {
		case "", "running", "runnable", "syscall", "preempted":
			gs = append(gs, inGet{status, false})
		default:
			gs = append(gs, inGet{status, true})
		}
	}
	return gs
}
