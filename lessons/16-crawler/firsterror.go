package crawler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// failing is the page whose server answers 500.
const failing = 3

// firstError crawls a site whose page 3 answers 500 with the bounded
// crawler: the error cancels the errgroup's context, the fetches under
// way stop, and the ones not yet started find the context done.
func firstError(ctx context.Context, s *lesson.Stage) error {
	s.Heading("errgroup, limit %d: page %d answers 500 after %v", limit, failing, s.Scale(latency/4))
	st := newSite(s, failing)
	defer st.Close()
	c := newCrawler(st.URL, s)
	defer c.close()
	start := time.Now()
	err := bounded(ctx, c, limit)
	elapsed := time.Since(start)
	if err == nil {
		return errors.New("the crawl should have failed")
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	st.Close() // waits for the server's handlers: each has seen its client go
	s.Say("  the crawl's error: %v", err)
	c.mu.Lock()
	skipped := c.skipped
	c.mu.Unlock()
	s.Finding("failed", 1, fmt.Sprintf("page (/page/%d)", failing))
	s.Finding("requests", float64(st.requests()), "reached the server (the index and the first round)")
	s.Finding("cancelled", float64(st.cancels()), "pages cut off mid-answer: their client's context was cancelled")
	s.Finding("skipped", float64(skipped), "pages never requested: the group's context was already done")
	s.FindingDuration("elapsed", elapsed)
	s.Say("The first error cancels the group's context: the requests under way")
	s.Say("stop (the server sees its clients go), and the goroutines that start")
	s.Say("after it find the context done and return at once. Wait returns the")
	s.Say("first error, and only after every goroutine has returned: nothing leaks.")
	return nil
}
