// want: fail
// Polls Has every millisecond until a deadline: returns late, and passes an indexer whose hook comes before the document.
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
	deadline := time.Now().Add(10 * time.Second)
	for !ix.Has("report.pdf") {
		if time.Now().After(deadline) {
			t.Fatal("report.pdf was not indexed within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
}
