// want: fail
// A goroutine per page and nothing else: every known page is fetched at once, far beyond the limit.
package crawler

import (
	"context"
	"errors"
	"sync"
)

// ErrLimit is returned when the limit is less than 1.
var ErrLimit = errors.New("crawler: limit must be at least 1")

// Fetch fetches the page at url and returns the links on it.
type Fetch func(ctx context.Context, url string) ([]string, error)

// crawl is one call of Crawl: what its goroutines share.
type crawl struct {
	ctx    context.Context
	cancel context.CancelFunc
	fetch  Fetch
	slots  chan struct{} // a token per fetch running: at most cap(slots)
	wg     sync.WaitGroup

	mu      sync.Mutex
	visited map[string]bool // every url ever queued, so each is fetched once
	pages   []string

	errOnce sync.Once
	err     error // the first fetch error
}

// Crawl fetches start and every page reachable from it by links, each
// exactly once, with at most limit fetches running at once, and returns
// the pages fetched, in any order. The first error cancels the context
// the running fetches got, no fetch starts after it, and Crawl returns
// it once every fetch it started has returned.
func Crawl(ctx context.Context, start string, limit int, fetch Fetch) ([]string, error) {
	if limit < 1 {
		return nil, ErrLimit
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel() // the fetches' context ends with the crawl
	c := &crawl{
		ctx:     cctx,
		cancel:  cancel,
		fetch:   fetch,
		slots:   make(chan struct{}, limit),
		visited: map[string]bool{start: true},
	}
	c.wg.Add(1)
	go c.visit(start)
	c.wg.Wait()
	if c.err != nil {
		return nil, c.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.pages, nil
}

// visit fetches url when a slot is free, then starts a goroutine for each
// link nobody has queued yet. A goroutine per page waits for a slot; only
// the fetches are bounded, and nobody holds a slot while waiting for one.
func (c *crawl) visit(url string) {
	defer c.wg.Done()
	if c.ctx.Err() != nil {
		return
	}
	links, err := c.fetch(c.ctx, url) // no slot: every known page is fetched at once
	if err != nil {
		c.errOnce.Do(func() {
			c.err = err
			c.cancel()
		})
		return
	}

	var fresh []string
	c.mu.Lock()
	c.pages = append(c.pages, url)
	for _, link := range links {
		if !c.visited[link] {
			c.visited[link] = true // checked and marked in one critical section
			fresh = append(fresh, link)
		}
	}
	c.mu.Unlock()
	for _, link := range fresh {
		c.wg.Add(1)
		go c.visit(link)
	}
}
