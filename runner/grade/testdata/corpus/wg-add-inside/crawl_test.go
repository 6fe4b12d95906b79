package crawl

import (
	"strings"
	"testing"
	"time"
)

func TestFetchAll(t *testing.T) {
	limit := make(chan time.Time)
	fetched := make(chan string)
	c := &Crawler{
		Limit:    limit,
		Get:      strings.ToUpper,
		Progress: func(url string) { fetched <- url },
	}
	urls := []string{"a", "b"}

	pages := c.FetchAll(urls)
	close(limit) // open the rate limiter: every request may go now
	got := strings.Join(pages, ",")
	for range urls {
		<-fetched
	}
	t.Logf("fetched %q", got)
	if len(pages) != len(urls) {
		t.Fatalf("FetchAll returned %d pages, want %d", len(pages), len(urls))
	}
}
