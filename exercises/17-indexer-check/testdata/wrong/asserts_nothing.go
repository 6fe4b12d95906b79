// want: fail
// Waits for the hook with a deadline, then reports nothing whatever happened: it passes every indexer.
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
	}
	_ = ix.Has("report.pdf")
}
