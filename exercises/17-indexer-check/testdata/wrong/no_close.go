// want: fail
// Waits for the hook and asks Has, but never closes the indexer: its goroutine would outlive the test.
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
	ix.Add("report.pdf")
	select {
	case <-indexed:
	case <-time.After(10 * time.Second):
		t.Fatal("report.pdf was not indexed within 10 s")
	}
	if !ix.Has("report.pdf") {
		t.Error("the hook reported report.pdf, but Has is false")
	}
}
