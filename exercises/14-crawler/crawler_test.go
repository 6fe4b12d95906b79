package crawler_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	crawler "github.com/conclab/conclab/exercises/14-crawler"
)

// Most tests run inside a testing/synctest bubble: time is fake (a fetch
// of "1 s" takes no real time, and elapsed times are exact), and a
// goroutine stuck for ever is reported as a deadlock instead of hanging
// the run. The last test crawls a real local site (an httptest server on
// loopback) in real time.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errBoom = errors.New("500 Internal Server Error")

// web is a site in memory: each page's links and how long fetching it
// takes. It records every fetch: how many ran at once, which pages were
// fetched how often, and whether any started after a fetch had failed.
type web struct {
	links map[string][]string
	took  func(url string) time.Duration
	// fails, if set, says whether the nth fetch (counting from 0) fails,
	// and after how long.
	fails func(nth int) (bool, time.Duration)
	// ignoresCtx makes the nth fetch deaf to its context.
	ignoresCtx func(nth int) bool

	mu          sync.Mutex
	calls       map[string]int
	order       []string
	running     int
	peak        int
	failed      bool
	startedLate []string // fetches that started after one had failed
	cancelled   int
	ctxs        []context.Context
}

func newWeb(links map[string][]string, took func(string) time.Duration) *web {
	return &web{links: links, took: took, calls: map[string]int{}}
}

func (w *web) fetch(ctx context.Context, url string) ([]string, error) {
	w.mu.Lock()
	nth := len(w.order)
	w.calls[url]++
	w.order = append(w.order, url)
	w.running++
	w.peak = max(w.peak, w.running)
	w.ctxs = append(w.ctxs, ctx)
	if w.failed {
		w.startedLate = append(w.startedLate, url)
	}
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.running--
		w.mu.Unlock()
	}()

	d, fail := w.took(url), false
	if w.fails != nil {
		if f, after := w.fails(nth); f {
			d, fail = after, true
		}
	}
	deaf := w.ignoresCtx != nil && w.ignoresCtx(nth)
	timer := time.NewTimer(d)
	defer timer.Stop()
	done := ctx.Done()
	if deaf {
		done = nil
	}
	select {
	case <-timer.C:
	case <-done:
		w.mu.Lock()
		w.cancelled++
		w.mu.Unlock()
		return nil, ctx.Err()
	}
	if fail {
		w.mu.Lock()
		w.failed = true // set before the error is returned
		w.mu.Unlock()
		return nil, fmt.Errorf("%s: %w", url, errBoom)
	}
	links, ok := w.links[url]
	if !ok {
		return nil, fmt.Errorf("%s: 404 Not Found (the site has no such page)", url)
	}
	return slices.Clone(links), nil
}

// star is an index linking to n pages; each page links back to the index,
// to itself and to the next page: links every crawler sees more than once.
func star(n int) map[string][]string {
	links := map[string][]string{"/": nil}
	for i := 1; i <= n; i++ {
		p := fmt.Sprintf("/page/%d", i)
		links["/"] = append(links["/"], p)
		links[p] = []string{"/", p, fmt.Sprintf("/page/%d", i%n+1)}
	}
	return links
}

func every(d time.Duration) func(string) time.Duration {
	return func(string) time.Duration { return d }
}

// crawl runs Crawl and returns what it returned and how long it took (in
// the bubble's fake time).
func crawl(ctx context.Context, start string, limit int, w *web) ([]string, time.Duration, error) {
	begin := time.Now()
	pages, err := crawler.Crawl(ctx, start, limit, w.fetch)
	return pages, time.Since(begin), err
}

// assertOnce checks that pages is exactly want, with no page twice, and
// that each page was fetched exactly once.
func assertOnce(t *testing.T, w *web, pages []string, want []string) {
	t.Helper()
	got := slices.Clone(pages)
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	assert.Equal(t, want, got, "Crawl must return every page reachable from the start, each once")
	w.mu.Lock()
	defer w.mu.Unlock()
	for url, n := range w.calls {
		assert.Equal(t, 1, n, "%s was fetched %d times; every page must be fetched exactly once", url, n)
	}
	assert.Len(t, w.calls, len(want), "pages fetched")
}

// TestEveryPageOnce: a random site of 300 pages (50 of them unreachable),
// 6 links a page, fetches of 1 to 100 ms, limit 7.
func TestEveryPageOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(14, 1))
		links := map[string][]string{}
		took := map[string]time.Duration{}
		for i := range 300 {
			p := fmt.Sprintf("/p/%d", i)
			links[p] = []string{"/p/0", p} // home and itself: seen again and again
			for range 4 {
				links[p] = append(links[p], fmt.Sprintf("/p/%d", rng.IntN(250)))
			}
			took[p] = time.Duration(1+rng.IntN(100)) * time.Millisecond
		}
		// The reachable pages, by a plain search.
		var want []string
		seen := map[string]bool{"/p/0": true}
		for todo := []string{"/p/0"}; len(todo) > 0; todo = todo[1:] {
			want = append(want, todo[0])
			for _, l := range links[todo[0]] {
				if !seen[l] {
					seen[l] = true
					todo = append(todo, l)
				}
			}
		}
		w := newWeb(links, func(u string) time.Duration { return took[u] })
		pages, _, err := crawl(context.Background(), "/p/0", 7, w)
		require.NoError(t, err)
		assertOnce(t, w, pages, want)
		assert.LessOrEqual(t, w.peak, 7, "more fetches ran at once than the limit of 7")
		assert.Equal(t, 7, w.peak, "with hundreds of pages known, 7 fetches should run at once")
	})
}

// TestLimitAndTime: an index and 12 pages of 1 s each. With a limit of n
// the pages take ceil(12/n) rounds after the index, and exactly
// min(n, 12) fetches run at once.
func TestLimitAndTime(t *testing.T) {
	for _, limit := range []int{1, 3, 4, 12, 20} {
		t.Run(fmt.Sprintf("limit-%d", limit), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				links := star(12)
				w := newWeb(links, every(time.Second))
				pages, took, err := crawl(context.Background(), "/", limit, w)
				require.NoError(t, err)
				assertOnce(t, w, pages, slices.Collect(mapsKeys(links)))
				assert.LessOrEqual(t, w.peak, limit, "more fetches at once than the limit")
				assert.Equal(t, min(limit, 12), w.peak, "the limit should be reached: %d fetches at once", min(limit, 12))
				rounds := 1 + (12+limit-1)/limit
				assert.Equal(t, time.Duration(rounds)*time.Second, took, "the index, then ceil(12/%d) rounds of 1 s", limit)
				for i, ctx := range w.ctxs {
					assert.Error(t, ctx.Err(), "the context of fetch %d must be done once Crawl has returned", i)
				}
			})
		})
	}
}

func mapsKeys(m map[string][]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestDeepSiteLimitOne: a tree of 3 links a page, 5 levels deep (364
// pages), with limits of 1 and 2: a crawler whose fetching goroutines
// wait for a free slot while holding one waits for ever here.
func TestDeepSiteLimitOne(t *testing.T) {
	for _, limit := range []int{1, 2} {
		t.Run(fmt.Sprintf("limit-%d", limit), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				links := map[string][]string{}
				var add func(p string, depth int)
				add = func(p string, depth int) {
					links[p] = []string{"/", p}
					if depth == 5 {
						return
					}
					for c := range 3 {
						child := fmt.Sprintf("%s%d/", p, c)
						links[p] = append(links[p], child)
						add(child, depth+1)
					}
				}
				add("/", 0)
				require.Len(t, links, 364)
				w := newWeb(links, every(time.Millisecond))
				pages, took, err := crawl(context.Background(), "/", limit, w)
				require.NoError(t, err)
				assertOnce(t, w, pages, slices.Collect(mapsKeys(links)))
				assert.LessOrEqual(t, w.peak, limit)
				if limit == 1 {
					assert.Equal(t, 364*time.Millisecond, took, "one at a time: 364 fetches of 1 ms")
				}
			})
		})
	}
}

// TestFirstErrorCancelsTheRest: 20 pages of 10 s, limit 3; the third
// fetch (the second page) fails after 1 s. The two other running fetches
// are cancelled, no fetch starts after the failure, and Crawl returns the
// error at once.
func TestFirstErrorCancelsTheRest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWeb(star(20), func(u string) time.Duration {
			if u == "/" {
				return time.Second
			}
			return 10 * time.Second
		})
		w.fails = func(nth int) (bool, time.Duration) { return nth == 2, time.Second }
		pages, took, err := crawl(context.Background(), "/", 3, w)
		assert.ErrorIs(t, err, errBoom, "Crawl must return the first error, not %v", err)
		assert.Nil(t, pages, "no pages with an error")
		assert.Equal(t, 2*time.Second, took, "the index (1 s), then the failure 1 s later: Crawl returns at once")
		assert.Empty(t, w.startedLate, "fetches started after the failure")
		assert.Len(t, w.order, 4, "the index and the 3 pages running when one failed: %v", w.order)
		assert.Equal(t, 2, w.cancelled, "the two other running fetches must see their context cancelled")
		assert.Zero(t, w.running, "Crawl returned while fetches were still running")
	})
}

// TestWaitsForDeafFetches: a fetch that ignores its context still runs
// to its end, and Crawl waits for it before returning.
func TestWaitsForDeafFetches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWeb(star(5), every(3*time.Second))
		w.fails = func(nth int) (bool, time.Duration) { return nth == 1, time.Second }
		w.ignoresCtx = func(nth int) bool { return nth == 2 }
		_, took, err := crawl(context.Background(), "/", 2, w)
		assert.ErrorIs(t, err, errBoom)
		assert.Equal(t, 6*time.Second, took, "the index (3 s), then the deaf fetch's 3 s: Crawl must wait for every fetch it started")
		assert.Zero(t, w.running, "Crawl returned while a fetch was still running")
		assert.Empty(t, w.startedLate, "fetches started after the failure")
	})
}

// TestCallerContext: a context already done starts nothing; a deadline
// stops the crawl like an error does.
func TestCallerContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWeb(star(8), every(time.Second))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		pages, _, err := crawl(ctx, "/", 2, w)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Nil(t, pages)
		assert.Empty(t, w.order, "a context already done: no fetch at all")
	})
	synctest.Test(t, func(t *testing.T) {
		w := newWeb(star(8), every(time.Second))
		ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
		defer cancel()
		pages, took, err := crawl(ctx, "/", 2, w)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Nil(t, pages)
		assert.Equal(t, 2500*time.Millisecond, took, "Crawl returns at the deadline")
		assert.Len(t, w.order, 5, "the index (0-1 s), 2 pages (1-2 s), 2 pages cut at 2.5 s: %v", w.order)
		assert.Equal(t, 2, w.cancelled)
	})
}

func TestLimitMustBePositive(t *testing.T) {
	for _, limit := range []int{0, -1} {
		w := newWeb(star(3), every(0))
		pages, err := crawler.Crawl(context.Background(), "/", limit, w.fetch)
		assert.ErrorIs(t, err, crawler.ErrLimit, "limit %d", limit)
		assert.Nil(t, pages)
		assert.Empty(t, w.order, "limit %d: no fetch", limit)
	}
}

var hrefRE = regexp.MustCompile(`href="([^"]+)"`)

// TestLocalSite crawls a real site on loopback, 40 pages of 10 ms, limit
// 5, with the server counting requests, and checks that no goroutine is
// left once the server and the client are closed.
func TestLocalSite(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const pages, limit = 40, 5
	var mu sync.Mutex
	served := map[string]int{}
	running, peak := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		served[r.URL.Path]++
		running++
		peak = max(peak, running)
		mu.Unlock()
		defer func() { mu.Lock(); running--; mu.Unlock() }()
		time.Sleep(10 * time.Millisecond)
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/page/%d", &n); err != nil && r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<a href="/">home</a>`)
		for _, k := range []int{n + 1, 2*n + 1, n} {
			if k >= 1 && k <= pages {
				fmt.Fprintf(w, `<a href="/page/%d">%d</a>`, k, k)
			}
		}
	}))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	fetch := func(ctx context.Context, url string) ([]string, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: %s", url, resp.Status)
		}
		var links []string
		for _, m := range hrefRE.FindAllStringSubmatch(string(body), -1) {
			links = append(links, m[1])
		}
		return links, nil
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got, err := crawler.Crawl(ctx, "/", limit, fetch)
	require.NoError(t, err)
	want := []string{"/"}
	for i := 1; i <= pages; i++ {
		want = append(want, fmt.Sprintf("/page/%d", i))
	}
	slices.Sort(got)
	slices.Sort(want)
	assert.Equal(t, want, got)
	mu.Lock()
	defer mu.Unlock()
	for path, n := range served {
		assert.Equal(t, 1, n, "the server was asked for %s %d times", path, n)
	}
	assert.LessOrEqual(t, peak, limit, "the server saw more than %d requests at once", limit)
	assert.GreaterOrEqual(t, peak, 2, "the crawl should fetch pages at the same time")
}
