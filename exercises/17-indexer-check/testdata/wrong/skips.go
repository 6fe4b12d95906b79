// want: fail
// Skips the check as flaky, the way flaky tests often end: a skipped check checks nothing.
package check

import (
	"testing"
	"time"

	"github.com/conclab/conclab/exercises/17-indexer-check/indexer"
)

func CheckIndexer(t testing.TB, newIndexer func(onIndexed func(doc string)) *indexer.Indexer) {
	t.Skip("flaky: indexing sometimes takes longer than the sleep")
	ix := newIndexer(nil)
	defer ix.Close()
	ix.Add("report.pdf")
	time.Sleep(time.Millisecond)
	if !ix.Has("report.pdf") {
		t.Error("report.pdf was not indexed")
	}
}
