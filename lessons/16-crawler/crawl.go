package crawler

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/conclab/conclab/lessons/lesson"
)

// crawl runs three crawlers over the same local site, each on a fresh
// copy of it: serially, a goroutine per page (goroutinePerPage), and an
// errgroup with SetLimit (bounded). The site counts how many requests it
// serves at once; the crawler's visited set, under its mutex, makes
// sure every page is fetched exactly once.
func crawl(ctx context.Context, s *lesson.Stage) error {
	pages := galleryPages + 1
	s.Heading("An image crawler: %d pages of %v each on a local site", pages, s.Scale(latency))
	serial, err := crawlOnce(ctx, s, "serially", serially)
	if err != nil {
		return err
	}
	each, err := crawlOnce(ctx, s, "goroutine per page", goroutinePerPage)
	if err != nil {
		return err
	}
	if err := s.Pause(ctx, fmt.Sprintf("errgroup.SetLimit(%d): how long, how many at once?", limit)); err != nil {
		return err
	}
	limited, err := crawlOnce(ctx, s, fmt.Sprintf("errgroup limit %d", limit), func(ctx context.Context, c *crawler) error { return bounded(ctx, c, limit) })
	if err != nil {
		return err
	}
	for _, r := range []run{serial, each, limited} {
		if r.pages != pages || r.twice != 0 || r.images != serial.images {
			return fmt.Errorf("%s: %d pages (%d fetched twice), %d images", r.name, r.pages, r.twice, r.images)
		}
	}
	s.Finding("pages", float64(pages), "each fetched exactly once, by every crawl")
	s.Finding("images", float64(serial.images), "distinct images")
	s.FindingDuration("elapsed-serial", serial.elapsed)
	s.Finding("peak-serial", float64(serial.peak), "at once")
	s.FindingDuration("elapsed-each", each.elapsed)
	s.Finding("peak-each", float64(each.peak), "at once")
	s.FindingDuration("elapsed-limited", limited.elapsed)
	s.Finding("peak-limited", float64(limited.peak), fmt.Sprintf("at once, limit %d", limit))
	rounds := 1 + int(math.Ceil(float64(galleryPages)/limit))
	s.FindingDuration("limited-expected", s.Scale(latency)*time.Duration(rounds))
	s.Say("Serially: %d pages x %v. A goroutine per page: one round for the index,", pages, s.Scale(latency))
	s.Say("one for all %d pages at once, and nothing stops 10,000 links from", galleryPages)
	s.Say("opening 10,000 connections. SetLimit(%d): the index, then ceil(%d/%d) = %d rounds.", limit, galleryPages, limit, rounds-1)
	return nil
}

// serially fetches one page after another.
func serially(ctx context.Context, c *crawler) error {
	todo := []string{"/"}
	c.firstVisit("/")
	for len(todo) > 0 {
		path := todo[0]
		todo = todo[1:]
		fresh, err := c.fetch(ctx, path)
		if err != nil {
			return err
		}
		todo = append(todo, fresh...)
	}
	return nil
}

// goroutinePerPage fetches every page in a goroutine of its own, started
// as soon as its link is found: nothing bounds how many run at once.
func goroutinePerPage(ctx context.Context, c *crawler) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	var visit func(path string)
	visit = func(path string) {
		defer wg.Done()
		fresh, err := c.fetch(ctx, path)
		if err != nil {
			mu.Lock()
			first = cmpErr(first, err)
			mu.Unlock()
			return
		}
		for _, p := range fresh {
			wg.Add(1)
			go visit(p)
		}
	}
	c.firstVisit("/")
	wg.Add(1)
	go visit("/")
	wg.Wait()
	return first
}

// bounded crawls level by level: each level's pages run in an errgroup
// with SetLimit(n), so at most n fetch at once, and the first error
// cancels the group's context, which stops the rest.
//
// Why levels? g.Go blocks while n goroutines run; a goroutine of the group
// that called g.Go for the links it found would wait for a slot while
// holding one, and n of them would wait for each other for ever.
func bounded(ctx context.Context, c *crawler, n int) error {
	level := []string{"/"}
	c.firstVisit("/")
	for len(level) > 0 {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(n)
		var mu sync.Mutex
		var next []string
		for _, path := range level {
			g.Go(func() error { // waits here while n fetches run
				fresh, err := c.fetch(gctx, path)
				if err != nil {
					return err // cancels gctx: the running fetches stop, the rest are skipped
				}
				mu.Lock()
				next = append(next, fresh...)
				mu.Unlock()
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		level = next
	}
	return nil
}

// limit is how many pages the bounded crawler fetches at once.
const limit = 4

var (
	linkRE  = regexp.MustCompile(`href="(/[^"]*)"`)
	imageRE = regexp.MustCompile(`src="(/[^"]*)"`)
)

// crawler holds what every crawl shares: the visited set and the images
// found, both guarded by mu, because the fetching goroutines all use them.
type crawler struct {
	client *http.Client
	base   string

	mu      sync.Mutex
	visited map[string]bool
	images  map[string]bool
	skipped int // fetches that found the crawl already cancelled
}

func newCrawler(base string, s *lesson.Stage) *crawler {
	return &crawler{
		client:  &http.Client{Transport: &http.Transport{}, Timeout: s.Scale(latency) + s.Limit(safety)},
		base:    base,
		visited: map[string]bool{},
		images:  map[string]bool{},
	}
}

func (c *crawler) close() { c.client.Transport.(*http.Transport).CloseIdleConnections() }

// firstVisit marks path visited and reports whether it was new: check and
// mark in one critical section, or two goroutines could both see "new".
func (c *crawler) firstVisit(path string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.visited[path] {
		return false
	}
	c.visited[path] = true
	return true
}

// fetch gets one page, records its images and returns the links on it
// that nobody has visited yet (marking them visited).
func (c *crawler) fetch(ctx context.Context, path string) ([]string, error) {
	if ctx.Err() != nil {
		c.mu.Lock()
		c.skipped++
		c.mu.Unlock()
		return nil, ctx.Err()
	}
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", path, resp.Status)
	}
	var fresh []string
	for _, m := range linkRE.FindAllStringSubmatch(string(body), -1) {
		if c.firstVisit(m[1]) {
			fresh = append(fresh, m[1])
		}
	}
	c.mu.Lock()
	for _, m := range imageRE.FindAllStringSubmatch(string(body), -1) {
		c.images[m[1]] = true
	}
	c.mu.Unlock()
	return fresh, nil
}

func (c *crawler) counts() (pages, images int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.visited), len(c.images)
}
