// want: fail
// Sleeps 100 ms instead of 1 ms: slower indexers still lose the race, and on quicker ones it returns late.
package check

import (
	"testing"
	"time"

	"github.com/conclab/conclab/exercises/17-indexer-check/indexer"
)

func CheckIndexer(t testing.TB, newIndexer func(onIndexed func(doc string)) *indexer.Indexer) {
	ix := newIndexer(nil)
	defer ix.Close()
	ix.Add("report.pdf")
	time.Sleep(100 * time.Millisecond) // "surely indexed by now, even under load"
	if !ix.Has("report.pdf") {
		t.Error("report.pdf was not indexed")
	}
}
