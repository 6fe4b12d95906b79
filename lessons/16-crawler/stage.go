package crawler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The stage plumbing the demos share: the local site the crawlers
// fetch from, a gauge, a crawl measured as a row of a table, and file
// checks. Each demo's story is in its own file.

// The site: an index linking to galleryPages pages; each page links back
// to the index and on to the next page (links a crawler has seen
// already), and shows two images of its own and the site's logo.
const (
	galleryPages = 12
	latency      = 200 * time.Millisecond // per page, on the server
)

// site is a local web site with latency: an httptest server on loopback
// whose every page takes latency (at the stage's speed) to answer, and
// which measures how many requests it serves at once.
type site struct {
	*httptest.Server
	inside gauge
	failAt int // a page that answers 500 Internal Server Error; 0: none

	mu        sync.Mutex
	served    map[string]int // path -> requests that reached the handler
	cancelled int            // requests whose client gave up mid-answer
}

func newSite(s *lesson.Stage, failAt int) *site {
	st := &site{failAt: failAt, served: map[string]int{}}
	st.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st.mu.Lock()
		st.served[r.URL.Path]++
		st.mu.Unlock()
		st.inside.enter()
		defer st.inside.leave()
		n, isPage := pageNumber(r.URL.Path)
		wait := latency
		if isPage && n == st.failAt {
			wait = latency / 4 // it fails well before the others are done
		}
		if err := s.Sleep(r.Context(), wait); err != nil {
			st.mu.Lock()
			st.cancelled++
			st.mu.Unlock()
			return // the client is gone
		}
		switch {
		case isPage && n == st.failAt:
			http.Error(w, "the database is down", http.StatusInternalServerError)
		case r.URL.Path == "/":
			fmt.Fprint(w, `<h1>Gallery</h1><img src="/img/logo.png">`)
			for i := 1; i <= galleryPages; i++ {
				fmt.Fprintf(w, `<a href="/page/%d">page %d</a>`, i, i)
			}
		case isPage && n >= 1 && n <= galleryPages:
			fmt.Fprintf(w, `<img src="/img/logo.png"><img src="/img/%d-a.jpg"><img src="/img/%d-b.jpg">`, n, n)
			fmt.Fprintf(w, `<a href="/">home</a><a href="/page/%d">next</a>`, n%galleryPages+1)
		default:
			http.NotFound(w, r)
		}
	}))
	return st
}

// pageNumber reads n from "/page/n".
func pageNumber(path string) (int, bool) {
	rest, ok := strings.CutPrefix(path, "/page/")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

// fetchedTwice counts the paths the server served more than once.
func (st *site) fetchedTwice() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	twice := 0
	for _, n := range st.served {
		if n > 1 {
			twice++
		}
	}
	return twice
}

func (st *site) requests() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	total := 0
	for _, n := range st.served {
		total += n
	}
	return total
}

func (st *site) cancels() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.cancelled
}

// gauge counts how many goroutines are inside a section now and the most
// there ever were, with its own mutex: it measures, it does not take part.
type gauge struct {
	mu        sync.Mutex
	now, peak int
}

func (g *gauge) enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now++
	g.peak = max(g.peak, g.now)
}

func (g *gauge) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now--
}

func (g *gauge) highest() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak
}

// safety bounds every request in real time: a watchdog, not a story.
const safety = 10 * time.Second

// run is one crawl of a fresh site, measured.
type run struct {
	name    string
	elapsed time.Duration
	peak    int
	pages   int
	images  int
	twice   int
}

// crawlOnce crawls a fresh site with crawl, and says and returns how it went.
func crawlOnce(ctx context.Context, s *lesson.Stage, name string, crawl func(context.Context, *crawler) error) (run, error) {
	st := newSite(s, 0)
	defer st.Close()
	c := newCrawler(st.URL, s)
	defer c.close()
	start := time.Now()
	if err := crawl(ctx, c); err != nil {
		return run{}, err
	}
	r := run{name: name, elapsed: time.Since(start), peak: st.inside.highest(), twice: st.fetchedTwice()}
	r.pages, r.images = c.counts()
	s.Say("  %-20s %3d pages %3d images  %6v  at most %2d at once", name, r.pages, r.images, r.elapsed.Round(time.Millisecond), r.peak)
	return r, nil
}

// cmpErr keeps the first error: first if there is one, else err.
func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// sameFile reports whether two files have the same SHA-256.
func sameFile(a, b string) bool {
	ha, erra := fileSum(a)
	hb, errb := fileSum(b)
	return erra == nil && errb == nil && bytes.Equal(ha, hb)
}

func fileSum(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
