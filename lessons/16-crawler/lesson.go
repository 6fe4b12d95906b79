// Package crawler is lesson 16: an image crawler against a local site
// with latency, serially, with a goroutine per page and with
// errgroup.SetLimit, a shared visited set, cancellation on the first
// error; then a folder copier with a pool and a progress channel, and one
// large file copied as two halves with WriteAt.
package crawler

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 16.
var Lesson = lesson.Lesson{
	Number:  16,
	Slug:    "crawler",
	Title:   "A crawler and a copier",
	Summary: "crawling a local site serially, a goroutine per page and with errgroup.SetLimit; the first error cancels; a folder copier with a pool and a progress bar; two halves with WriteAt",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:    "crawl",
			Title:   "Serially, a goroutine per page, errgroup.SetLimit(4)",
			Claim:   "13 pages of 200 ms: about 2.6 s serially, 400 ms with a goroutine per page (12 at once), 800 ms with SetLimit(4), never more than 4 at once; every page fetched exactly once",
			Run:     crawl,
			Predict: "an index and 12 pages, 200 ms each, crawled with errgroup.SetLimit(4): how long, and how many requests at once?",
			Answer:  "about 800 ms (the index, then ceil(12/4) = 3 rounds), and exactly 4 at once",
		},
		{
			Name:    "first-error",
			Title:   "The first error cancels the crawl",
			Claim:   "when a page answers 500, the group's context is cancelled: the requests under way stop and the pages not yet started are never requested",
			Run:     firstError,
			Predict: "limit 4, page 3 fails after 50 ms while pages 1, 2 and 4 are loading: how many of the 12 pages reach the server?",
			Answer:  "4: page 3 fails, 1, 2 and 4 are cancelled mid-answer, and 5-12 are never requested",
		},
		{
			Name:  "copier",
			Title: "A folder copier: a pool of 5 and a progress bar",
			Claim: "5 workers copy 20 files; one goroutine reads the progress channel, so the bar only rises and ends at exactly 100%, and every copy has its original's SHA-256",
			Run:   copier,
		},
		{
			Name:    "halves",
			Title:   "One large file, two halves in parallel with WriteAt",
			Claim:   "two goroutines copying one half each with ReadAt and WriteAt make an identical copy in about half the time on a disk that is slow per stream",
			Run:     halves,
			Predict: "two goroutines write into one *os.File at the same time: is the copy intact?",
			Answer:  "yes, with WriteAt: each write names its offset, so they share no file position",
		},
	},
	Exercises: []string{"crawler", "copier"},
}
