// want: fail
// Waits for the hook, then sleeps a millisecond "to let the index settle" before asking Has: returns late, and passes an indexer whose hook comes first.
package check

import (
	"testing"
	"time"

	"github.com/conclab/conclab/exercises/17-indexer-check/indexer"
)

func CheckIndexer(t testing.TB, newIndexer func(onIndexed func(doc string)) *indexer.Indexer) {
	indexed := make(chan struct{})
	ix := newIndexer(func(doc string) {
		if doc == "report.pdf" {
			close(indexed)
		}
	})
	defer ix.Close()
	ix.Add("report.pdf")
	select {
	case <-indexed:
	case <-time.After(10 * time.Second):
		t.Fatal("report.pdf was not indexed within 10 s")
	}
	time.Sleep(2 * time.Millisecond)
	if !ix.Has("report.pdf") {
		t.Error("the hook reported report.pdf, but Has is false")
	}
}
