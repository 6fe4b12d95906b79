// want: fail
// Waits for the hook with no deadline: on an indexer that never indexes, the check waits forever.
package check

import (
	"testing"

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
	<-indexed
	if !ix.Has("report.pdf") {
		t.Error("the hook reported report.pdf, but Has is false")
	}
}
