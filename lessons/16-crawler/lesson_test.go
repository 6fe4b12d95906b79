package crawler_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	crawler "github.com/conclab/conclab/lessons/16-crawler"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, crawler.Lesson) }

func TestCrawlSerialUnboundedLimited(t *testing.T) {
	// Speed 2: pages of 100 ms. Rounds of latency are hard lower bounds;
	// the upper bounds leave room for a loaded machine.
	r := lessontest.Run(t, crawler.Lesson, "crawl", lessontest.Speed(2))
	assert.Equal(t, 13.0, r.Finding(t, "pages"), "every page, each fetched once (the demo checks the server's count)")
	assert.Equal(t, 25.0, r.Finding(t, "images"), "2 per page and the shared logo once")
	assert.Equal(t, 1.0, r.Finding(t, "peak-serial"))
	assert.GreaterOrEqual(t, r.Finding(t, "elapsed-serial"), 13*100*0.95, "13 pages one after another")
	// All 12 start together and stay 100 ms; 8 leaves room for a loaded
	// machine and is still twice the limit below.
	assert.GreaterOrEqual(t, r.Finding(t, "peak-each"), 8.0, "a goroutine per page fetches the 12 gallery pages at once")
	assert.LessOrEqual(t, r.Finding(t, "peak-each"), 12.0)
	assert.GreaterOrEqual(t, r.Finding(t, "elapsed-each"), 2*100*0.95, "the index, then the pages")
	assert.Less(t, r.Finding(t, "elapsed-each"), r.Finding(t, "elapsed-serial")/2)
	assert.Equal(t, 4.0, r.Finding(t, "peak-limited"), "SetLimit(4): 4 at once, never more")
	limited := r.Finding(t, "elapsed-limited")
	assert.Equal(t, 400.0, r.Finding(t, "limited-expected"), "the index and ceil(12/4) = 3 rounds of 100 ms")
	assert.GreaterOrEqual(t, limited, 400*0.95, "4 rounds of 100 ms at least")
	assert.Less(t, limited, r.Finding(t, "elapsed-serial")*0.75, "the bounded crawl should be well under the serial one")
}

func TestFirstErrorCancelsTheCrawl(t *testing.T) {
	// Speed 1: page 3 fails at 50 ms into its round, 150 ms before the
	// pages beside it would finish.
	r := lessontest.Run(t, crawler.Lesson, "first-error", lessontest.Speed(1))
	assert.Equal(t, 5.0, r.Finding(t, "requests"), "the index and pages 1-4 reach the server, nothing after the error")
	assert.Equal(t, 3.0, r.Finding(t, "cancelled"), "pages 1, 2 and 4 are cut off when page 3 fails")
	assert.Equal(t, 8.0, r.Finding(t, "skipped"), "pages 5-12 are never requested")
	assert.Less(t, r.Finding(t, "elapsed"), 200+200.0, "the crawl ends at the error, not when the round would")
	assert.Contains(t, r.Output, "500 Internal Server Error")
}

func TestCopierProgressOnlyRises(t *testing.T) {
	r := lessontest.Run(t, crawler.Lesson, "copier", lessontest.Speed(5))
	assert.Equal(t, 20.0, r.Finding(t, "files"))
	assert.Equal(t, 20.0, r.Finding(t, "identical"), "every copy has its original's SHA-256")
	assert.Equal(t, 0.0, r.Finding(t, "progress-falls"), "progress never goes down")
	assert.Equal(t, 100.0, r.Finding(t, "progress-final"), "progress ends at exactly 100%")
	assert.Positive(t, r.Finding(t, "progress-reports"))
	assert.LessOrEqual(t, r.Finding(t, "peak-workers"), 5.0, "a pool of 5")
	assert.GreaterOrEqual(t, r.Finding(t, "peak-workers"), 2.0, "the workers should overlap")
	assert.Equal(t, 0.0, r.Finding(t, "part-files"))
	assert.Contains(t, r.Output, "copy progress [####################] 100.00%")
}

func TestHalvesWithWriteAt(t *testing.T) {
	// Speed 2: 32 chunks of 10 ms in one piece, 16 per half.
	r := lessontest.Run(t, crawler.Lesson, "halves", lessontest.Speed(2))
	assert.Equal(t, 2.0, r.Finding(t, "identical"), "both copies intact")
	assert.Equal(t, 2.0, r.Finding(t, "peak-halves"), "the halves copy at the same time")
	whole, split := r.Finding(t, "elapsed-whole"), r.Finding(t, "elapsed-halves")
	assert.GreaterOrEqual(t, whole, 32*10*0.95)
	assert.GreaterOrEqual(t, split, 16*10*0.95)
	assert.Less(t, split, whole*0.8, "two halves at once should be clearly faster on a disk slow per stream")
}
