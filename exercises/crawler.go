package exercises

import "time"

var crawler = Exercise{
	Number:  14,
	Slug:    "crawler",
	Title:   "A bounded, de-duplicating crawler",
	Lesson:  "crawler",
	Files:   []string{"crawler.go"},
	Imports: []string{"context", "errors", "fmt", "slices", "sync", "sync/atomic", "golang.org/x/sync/errgroup", "golang.org/x/sync/semaphore"},
	Hints: [3]string{
		"Three jobs: a visited set that many goroutines check and mark (one lock, one critical section for both), a bound on the fetches running at once, and a way for the first error to stop the rest. Whatever waits for a free slot must not hold one.",
		"Give every newly found page a goroutine that first takes a token from a buffered channel of size limit, fetches, gives the token back, then marks the links under the lock and starts a goroutine for each new one. A WaitGroup says when all are done; a context of your own, cancelled at the first error before the token is given back, stops the rest.",
		`Crawl makes ctx, cancel := context.WithCancel(ctx) (defer cancel()),
a slots channel of capacity limit and visited = {start: true}, then
wg.Add(1); go visit(start); wg.Wait(). Each visit:

	defer c.wg.Done()
	c.slots <- struct{}{}
	if c.ctx.Err() != nil { // cancelled while waiting
		<-c.slots
		return
	}
	links, err := c.fetch(c.ctx, url)
	if err != nil {
		c.errOnce.Do(func() { c.err = err; c.cancel() })
		<-c.slots
		return
	}
	<-c.slots

then, under c.mu, append url to the pages and mark each unvisited link,
and after unlocking start a goroutine (wg.Add(1) first) for each.`,
	},
	// Eight tests in fake time and one on loopback: well under a second;
	// a deadlocked crawl is reported by synctest at once.
	Timeout: 60 * time.Second,
}
