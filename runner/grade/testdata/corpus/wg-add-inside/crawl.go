// Package crawl downloads a list of pages in parallel behind a rate
// limiter, the shape of many small crawlers and link checkers: one
// goroutine per URL, a WaitGroup to wait for them all.
package crawl

import (
	"sync"
	"time"
)

// Crawler fetches pages, at most one request per tick of Limit (a
// time.Tick channel in production).
type Crawler struct {
	Limit    <-chan time.Time
	Get      func(url string) string
	Progress func(url string) // called after each page, e.g. to draw a bar
}

// FetchAll returns the body of every URL, in order.
func (c *Crawler) FetchAll(urls []string) []string {
	pages := make([]string, len(urls))
	var wg sync.WaitGroup
	for i, url := range urls {
		go func() {
			<-c.Limit
			wg.Add(1)
			defer wg.Done()
			pages[i] = c.Get(url)
			c.Progress(url)
		}()
	}
	wg.Wait()
	return pages
}
