package fetchall_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	fetchall "github.com/conclab/conclab/exercises/00-fetchall"
)

// Most tests run inside a testing/synctest bubble: time is fake, so a
// fetch that sleeps a second takes no real time, and the clock moves only
// when every goroutine of the test is blocked. That makes the tests exact
// whatever the scheduler does: a FetchAll that starts every fetch at once
// returns after exactly as long as the slowest fetch, one that fetches one
// URL after another takes their sum, and one that does not wait returns
// at the very moment it was called, while every fetch is still asleep.

// TestMain fails the run if any goroutine is still alive after the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// site is a fake web site: every URL's body or error, and how long a
// fetch of it takes. Its fetch counts the calls that have returned.
type site struct {
	bodies   map[string]string
	errs     map[string]error
	delays   map[string]time.Duration
	returned atomic.Int64 // calls of fetch that have returned
}

// newSite makes n random URLs (some repeated, some failing, each with a
// delay of 1 to 100 ms) and the site that serves them. Repeated URLs
// check that results follow the input, not the URLs: each copy is
// fetched and reported in its own place.
func newSite(r *rand.Rand, n int) (*site, []string) {
	s := &site{bodies: map[string]string{}, errs: map[string]error{}, delays: map[string]time.Duration{}}
	urls := make([]string, n)
	for i := range urls {
		if i > 0 && r.IntN(8) == 0 {
			urls[i] = urls[r.IntN(i)]
			continue
		}
		url := fmt.Sprintf("https://example.com/%d/%x", i, r.Uint32())
		urls[i] = url
		if r.IntN(4) == 0 {
			s.errs[url] = errors.New("no such host: " + url)
		} else {
			s.bodies[url] = "<html>page " + url + "</html>"
		}
		s.delays[url] = time.Duration(1+r.IntN(100)) * time.Millisecond
	}
	return s, urls
}

// fetch is the site's fetch: it sleeps (fake time) for the URL's delay
// and returns its body or error.
func (s *site) fetch(url string) (string, error) {
	defer s.returned.Add(1)
	time.Sleep(s.delays[url])
	return s.bodies[url], s.errs[url]
}

// slowest is the longest delay among urls: how long FetchAll must take
// when every fetch runs at once.
func (s *site) slowest(urls []string) time.Duration {
	var d time.Duration
	for _, u := range urls {
		d = max(d, s.delays[u])
	}
	return d
}

// checkReturnedAfterAll fails the test, and returns false, unless each
// of the n calls of fetch had returned when FetchAll did (returned
// counts the calls that have returned). It is checked before the results
// are read: a FetchAll that returns too early leaves goroutines still
// writing them. When it fails, it first sleeps settle of fake time,
// longer than any fetch of the test takes, and waits until every
// goroutine left is blocked or gone: a bubble whose test returns while
// goroutines still sleep ends in a panic that would hide this message.
// By then the count tells a FetchAll that returned early from one that
// called fetch too often or too rarely.
func checkReturnedAfterAll(t *testing.T, returned *atomic.Int64, n int, settle time.Duration) bool {
	t.Helper()
	atReturn := returned.Load()
	if atReturn == int64(n) {
		return true
	}
	time.Sleep(settle)
	synctest.Wait()
	if calls := returned.Load(); calls != int64(n) {
		t.Errorf("FetchAll called fetch %d times for %d URLs: it must call it exactly once per URL "+
			"(a URL listed twice is fetched twice)", calls, n)
		return false
	}
	t.Errorf("FetchAll returned while %d of its %d fetches were still running: it must wait for every one "+
		"(sync.WaitGroup: counted before each go statement, or wg.Go, and Wait before returning); "+
		"its caller reads the results at once, and they are not all there yet", int64(n)-atReturn, n)
	return false
}

// checkResults compares what FetchAll returned with what the site
// serves, element by element.
func checkResults(t *testing.T, s *site, urls []string, got []fetchall.Result) {
	t.Helper()
	if !assert.Len(t, got, len(urls), "FetchAll must return one result per URL (%d URLs)", len(urls)) {
		return
	}
	for i, u := range urls {
		want := fetchall.Result{Body: s.bodies[u], Err: s.errs[u]}
		if got[i] != want {
			t.Errorf("results[%d] is %+v, but fetching urls[%d] (%s) gave %+v: results[i] must hold what fetch(urls[i]) returned, "+
				"in the order of urls whatever order the fetches finish in", i, got[i], i, u, want)
			return
		}
	}
}

func TestResultsInInputOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(2026, 0))
		for range 20 {
			s, urls := newSite(r, 1+r.IntN(30))
			got := fetchall.FetchAll(urls, s.fetch)
			if !checkReturnedAfterAll(t, &s.returned, len(urls), time.Second) {
				return
			}
			checkResults(t, s, urls, got)
		}
	})
}

// TestFetchesRunAtOnce: every fetch waits until all of them have started,
// or for a second of fake time. Started all at once, they are released
// together and none waits; one after another, the first waits for fetches
// that nobody starts until it has returned.
func TestFetchesRunAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 10
		var (
			started    atomic.Int64
			returned   atomic.Int64
			allStarted = make(chan struct{})
			mu         sync.Mutex
			alone      []string // what the fetches that waited in vain saw
		)
		fetch := func(url string) (string, error) {
			defer returned.Add(1)
			if started.Add(1) == n {
				close(allStarted)
			}
			select {
			case <-allStarted:
			case <-time.After(time.Second): // fake time: fires only when everything else is stuck
				mu.Lock()
				alone = append(alone, fmt.Sprintf("the fetch of %s waited 1s for the others to start, and only %d of %d had started",
					url, started.Load(), n))
				mu.Unlock()
			}
			return "page " + url, nil
		}
		urls := make([]string, n)
		for i := range urls {
			urls[i] = fmt.Sprintf("https://example.com/%d", i)
		}
		start := time.Now()
		got := fetchall.FetchAll(urls, fetch)
		elapsed := time.Since(start)
		if !checkReturnedAfterAll(t, &returned, n, 2*time.Second) {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if len(alone) > 0 {
			t.Errorf("the fetches ran one after another (or a few at a time), not all at once: %s. "+
				"Start every fetch in a goroutine of its own, all of them before waiting for any", alone[0])
			return
		}
		assert.Zero(t, elapsed, "fetches that never sleep took %v (fake time)", elapsed)
		require.Len(t, got, n, "FetchAll must return one result per URL")
		for i, u := range urls {
			assert.Equal(t, fetchall.Result{Body: "page " + u}, got[i], "results[%d]", i)
		}
	})
}

// TestReturnsOnlyWhenEveryFetchHasReturned calls FetchAll many times on a
// few slow URLs: it must return when the slowest fetch does, never
// before (a missing Wait, or an Add that runs inside the goroutine and
// so may come after Wait has seen nothing to wait for) and never after.
func TestReturnsOnlyWhenEveryFetchHasReturned(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(2026, 1))
		for range 50 {
			s, urls := newSite(r, 1+r.IntN(4))
			start := time.Now()
			got := fetchall.FetchAll(urls, s.fetch)
			elapsed := time.Since(start)
			if !checkReturnedAfterAll(t, &s.returned, len(urls), time.Second) {
				return
			}
			if elapsed != s.slowest(urls) {
				t.Errorf("FetchAll of %d URLs took %v (fake time), but the slowest fetch took %v: "+
					"with every fetch running at once it takes as long as the slowest one, no longer",
					len(urls), elapsed, s.slowest(urls))
				return
			}
			checkResults(t, s, urls, got)
		}
	})
}

// TestAThousandFetchesTakeOneSecond: goroutines are cheap, so a thousand
// fetches of one second each, all at once, take one second. (The race
// detector allows about 8,000 goroutines at a time, so not 100,000 here.)
func TestAThousandFetchesTakeOneSecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 1000
		s := &site{bodies: map[string]string{}, delays: map[string]time.Duration{}}
		urls := make([]string, n)
		for i := range urls {
			urls[i] = fmt.Sprintf("https://example.com/%d", i)
			s.bodies[urls[i]] = fmt.Sprint("page ", i)
			s.delays[urls[i]] = time.Second
		}
		start := time.Now()
		got := fetchall.FetchAll(urls, s.fetch)
		elapsed := time.Since(start)
		if !checkReturnedAfterAll(t, &s.returned, n, 2*time.Second) {
			return
		}
		assert.Equal(t, time.Second, elapsed,
			"%d fetches of 1s each took %v (fake time): started all at once, they take 1s together", n, elapsed)
		checkResults(t, s, urls, got)
	})
}

func TestNoURLs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int64
		fetch := func(string) (string, error) {
			calls.Add(1)
			return "", nil
		}
		for _, urls := range [][]string{nil, {}} {
			got := fetchall.FetchAll(urls, fetch)
			assert.Empty(t, got, "FetchAll of no URLs must return no results (an empty or nil slice)")
		}
		assert.Zero(t, calls.Load(), "FetchAll of no URLs called fetch")
	})
}
